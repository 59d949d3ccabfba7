// Drains a user ring buffer that Java fills: sums the u64 in each record.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_USER_RINGBUF);
    __uint(max_entries, 4096);
} requests SEC(".maps");

__u64 total = 0;
__u64 records = 0;

static long add_one(struct bpf_dynptr *dynptr, void *ctx)
{
    __u64 v = 0;
    if (bpf_dynptr_read(&v, sizeof(v), dynptr, 0, 0))
        return 1;
    total += v;
    records++;
    return 0;
}

SEC("xdp")
int drain(struct xdp_md *ctx)
{
    bpf_user_ringbuf_drain(&requests, add_one, NULL, 0);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
