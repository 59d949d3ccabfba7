// Programs for uprobes, uretprobes and perf events, counting into `counts`:
// slot 0 uprobe hits of target_tgid, slot 1 perf event samples, slot 2 the last uretprobe return value.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 3);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

const volatile __u32 target_tgid = 0;

static void add(__u32 slot, __u64 v)
{
    __u64 *p = bpf_map_lookup_elem(&counts, &slot);
    if (p)
        __sync_fetch_and_add(p, v);
}

SEC("uprobe")
int on_call(struct pt_regs *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
        add(0, 1);
    return 0;
}

SEC("uretprobe")
int on_return(struct pt_regs *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) == target_tgid) {
        __u32 slot = 2;
        __u64 rc = PT_REGS_RC(ctx);
        bpf_map_update_elem(&counts, &slot, &rc, BPF_ANY);
    }
    return 0;
}

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
    add(1, 1);
    return 0;
}

SEC("kprobe/do_unlinkat")
int on_unlink(struct pt_regs *ctx)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
