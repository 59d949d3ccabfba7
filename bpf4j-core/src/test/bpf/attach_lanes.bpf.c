// One program per attach lane, each counting into its own slot of `hits` (see AttachLanesTest):
// what attachAll attaches from the section, what it attaches from a spec, what it skips.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 16);
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

SEC("uprobe")
int u_entry(struct pt_regs *ctx)
{
    if (ours())
        hit(0);
    return 0;
}

SEC("uretprobe")
int u_ret(struct pt_regs *ctx)
{
    if (ours() && PT_REGS_RC(ctx) > 0)
        hit(1);
    return 0;
}

SEC("perf_event")
int on_tick(struct bpf_perf_event_data *ctx)
{
    hit(2);
    return 0;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
    hit(3);
    return XDP_PASS;
}

SEC("tcx/ingress")
int tcx_in(struct __sk_buff *skb)
{
    hit(4);
    return TCX_NEXT;
}

SEC("cgroup/sock_create")
int sock_create(struct bpf_sock *sk)
{
    hit(5);
    return 1;
}

SEC("sk_lookup")
int lookup(struct bpf_sk_lookup *ctx)
{
    hit(6);
    return SK_PASS;
}

SEC("iter/task")
int dump(struct bpf_iter__task *ctx)
{
    struct task_struct *t = ctx->task;
    if (t && t->pid == t->tgid && t->tgid == target_tgid)
        BPF_SEQ_PRINTF(ctx->meta->seq, "%d\n", t->tgid);
    return 0;
}

SEC("uprobe.multi/libc.so.6:getpp*")
int u_multi(struct pt_regs *ctx)
{
    if (ours())
        hit(9);
    return 0;
}

SEC("netfilter")
int nf(struct bpf_nf_ctx *ctx)
{
    hit(11);
    return 1; /* NF_ACCEPT */
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp(void *ctx)
{
    if (ours())
        hit(12);
    return 0;
}

SEC("raw_tp/sys_enter")
int raw(void *ctx)
{
    if (ours())
        hit(13);
    return 0;
}

SEC("tc")
int tc_egress(struct __sk_buff *skb)
{
    hit(14);
    return 0; /* TC_ACT_OK */
}

SEC("socket")
int sock_filter(struct __sk_buff *skb)
{
    hit(15);
    return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
