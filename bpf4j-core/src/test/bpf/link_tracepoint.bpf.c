// Counts execve calls (tracepoint) and sys_enter events (raw tracepoint) of one pid.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

const volatile __u32 target_tgid = 0;

static void bump(__u32 slot)
{
    __u64 *v = bpf_map_lookup_elem(&counts, &slot);
    if (v)
        __sync_fetch_and_add(v, 1);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int count_exec(void *ctx)
{
    bump(0);
    return 0;
}

SEC("raw_tracepoint/sys_enter")
int count_sys_enter(void *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
        bump(1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
