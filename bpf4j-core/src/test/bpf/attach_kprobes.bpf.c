// The kprobe lanes attachAll takes from section names: ksyscall, kretsyscall, kprobe with an
// offset-free function, kprobe.multi and kretprobe.multi with a glob (see AttachKprobeLanesTest).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 5);
    __type(key, __u32);
    __type(value, __u64);
} hits SEC(".maps");

const volatile __u32 target_tgid = 0;

static void hit(__u32 slot)
{
    if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return;
    __u64 *v = bpf_map_lookup_elem(&hits, &slot);
    if (v)
        __sync_fetch_and_add(v, 1);
}

SEC("ksyscall/getppid")
int k_sys(struct pt_regs *ctx)
{
    hit(0);
    return 0;
}

SEC("kretsyscall/getppid")
int k_sys_ret(struct pt_regs *ctx)
{
    hit(1);
    return 0;
}

SEC("kprobe/do_sys_openat2")
int k_fn(struct pt_regs *ctx)
{
    hit(2);
    return 0;
}

SEC("kprobe.multi/*sys_getppid")
int k_multi(struct pt_regs *ctx)
{
    hit(3);
    return 0;
}

SEC("kretprobe.multi/*sys_getppid")
int k_multi_ret(struct pt_regs *ctx)
{
    hit(4);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
