// .kconfig externs of each type: kernel version, bool, tristate, int, string, a weak missing one.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>


extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern const char CONFIG_LOCALVERSION[16] __kconfig __weak;
extern _Bool CONFIG_BPF4J_DOES_NOT_EXIST __kconfig __weak;

__u64 kcfg_out[6];

SEC("xdp")
int xdp_kconfig(struct xdp_md *ctx)
{
	kcfg_out[0] = LINUX_KERNEL_VERSION;
	kcfg_out[1] = CONFIG_BPF_SYSCALL;
	kcfg_out[2] = CONFIG_BPF_JIT;
	kcfg_out[3] = CONFIG_HZ;
	kcfg_out[4] = CONFIG_LOCALVERSION[0];
	kcfg_out[5] = CONFIG_BPF4J_DOES_NOT_EXIST;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
