// Packet counters and a dropper for XDP, TCX and cgroup tests.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 5);
    __type(key, __u32);
    __type(value, __u64);
} packets SEC(".maps");

static void count(__u32 slot)
{
    __u64 *v = bpf_map_lookup_elem(&packets, &slot);
    if (v)
        __sync_fetch_and_add(v, 1);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
    count(0);
    return XDP_PASS;
}

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
    count(1);
    return XDP_DROP;
}

SEC("tcx/ingress")
int tcx_count(struct __sk_buff *skb)
{
    count(2);
    return -1; /* TCX_NEXT: let the rest of the chain decide */
}

SEC("tc")
int tc_legacy_count(struct __sk_buff *skb)
{
    count(4);
    return 0; /* TC_ACT_OK */
}

SEC("cgroup_skb/egress")
int cgroup_egress(struct __sk_buff *skb)
{
    count(3);
    return 1; /* allow */
}

char LICENSE[] SEC("license") = "GPL";
