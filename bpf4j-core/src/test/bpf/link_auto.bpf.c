// One program of each kind that attachAll() can attach from its section name alone.
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
    __u64 *v = bpf_map_lookup_elem(&hits, &slot);
    if (v)
        __sync_fetch_and_add(v, 1);
}

static int ours(void)
{
    return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int auto_tp(void *ctx)
{
    hit(0);
    return 0;
}

SEC("raw_tp/sys_enter")
int auto_raw_tp(void *ctx)
{
    if (ours())
        hit(1);
    return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(auto_tp_btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    hit(2);
    return 0;
}

SEC("uprobe/libc.so.6:getpid")
int auto_uprobe(struct pt_regs *ctx)
{
    if (ours())
        hit(3);
    return 0;
}

/* A second tracepoint program, to swap into the execve link with Link.update. */
SEC("tracepoint/syscalls/sys_enter_execve")
int auto_tp_other(void *ctx)
{
    hit(4);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
