// bpf-to-bpf calls: two programs share static and global subprograms; one subprogram calls
// another, so each program needs its own copy of the call graph it reaches.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} sub_counts SEC(".maps");

static __noinline __u64 bump(__u32 slot, __u64 by)
{
	__u64 *v = bpf_map_lookup_elem(&sub_counts, &slot);
	if (!v)
		return 0;
	*v += by;
	return *v;
}

static __noinline __u64 mix(__u64 a, __u64 b)
{
	return (a * 31) ^ bump(1, b);
}

__noinline int global_len(struct xdp_md *ctx)
{
	if (!ctx)
		return 0;
	return ctx->data_end - ctx->data;
}

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	bump(0, 1);
	return mix(global_len(ctx), 2) ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	return bump(2, global_len(ctx)) > 0 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
