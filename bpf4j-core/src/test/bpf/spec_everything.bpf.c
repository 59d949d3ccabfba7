// ObjectSpec parsing: every BTF map definition form, every global data section, externs, and
// programs spanning libbpf's section names (several per section, sleepable variants, a .text
// subprogram). Read by ObjectSpecTest; not loaded as a whole.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair { __u32 a; __u64 b; };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct pair);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} spec_typed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 24);
	__uint(max_entries, 3);
} spec_sized SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 8);
	__uint(map_flags, BPF_F_NUMA_NODE);
	__uint(numa_node, 0);
} spec_numa SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__type(value, __u32);
	__uint(max_entries, 64);
	__uint(map_extra, 3);
} spec_bloom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} spec_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 4);
} spec_perf SEC(".maps");

struct spec_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 2);
} spec_inner_a SEC(".maps"), spec_inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct spec_inner);
} spec_outer SEC(".maps") = {
	.values = { [0] = &spec_inner_a, [2] = &spec_inner_b },
};

int spec_tail(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int (void *));
} spec_jumps SEC(".maps") = {
	.values = { [1] = (void *)&spec_tail },
};

const volatile __u32 spec_rodata = 7;
const volatile char spec_name[4] SEC(".rodata.names") = "abc";
__u64 spec_data = 5;
__u64 spec_custom SEC(".data.custom") = 9;
__u64 spec_bss;
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern const void bpf_prog_fops __ksym;

static __noinline int spec_helper(int x)
{
	return x + (int)spec_rodata;
}

SEC("xdp")
int spec_xdp_one(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct pair *p = bpf_map_lookup_elem(&spec_typed, &k);
	if (p)
		p->b++;
	bpf_tail_call(ctx, &spec_jumps, 1);
	return spec_helper(XDP_PASS) + spec_data + spec_custom + spec_name[0] + LINUX_KERNEL_VERSION + CONFIG_HZ
		+ (int)(long)&bpf_prog_fops;
}

SEC("xdp")
int spec_tail(struct xdp_md *ctx)
{
	spec_bss++;
	return XDP_PASS;
}

SEC("xdp.frags")
int spec_frags(struct xdp_md *ctx) { return XDP_PASS; }

SEC("tc")
int spec_tc(struct __sk_buff *skb) { return spec_helper(0); }

SEC("tracepoint/syscalls/sys_enter_openat")
int spec_tp(void *ctx) { return 0; }

SEC("raw_tp.w/bpf_test_finish")
int spec_raw_w(void *ctx) { return 0; }

SEC("uprobe.s")
int spec_uprobe_s(void *ctx) { return 0; }

SEC("uretprobe//proc/self/exe:main")
int spec_uretprobe(void *ctx) { return 0; }

SEC("fentry.s/do_unlinkat")
int spec_fentry_s(void *ctx) { return 0; }

SEC("lsm.s/file_open")
int spec_lsm_s(void *ctx) { return 0; }

SEC("iter/task")
int spec_iter(void *ctx) { return 0; }

SEC("cgroup/sendmsg4")
int spec_sendmsg4(struct bpf_sock_addr *ctx) { return 1; }

SEC("sk_reuseport/migrate")
int spec_reuseport(void *ctx) { return 0; }

SEC("ksyscall/openat")
int spec_ksyscall(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
__u32 _version SEC("version") = 0x060c00;
