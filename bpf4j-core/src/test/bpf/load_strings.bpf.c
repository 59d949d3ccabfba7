// String literals (.rodata.str1.1), a global subprogram the verifier checks on its own, and a
// static one it checks in its caller's context.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} str_counts SEC(".maps");

__noinline int global_add(__u32 slot, __u64 by)
{
	__u64 *v = bpf_map_lookup_elem(&str_counts, &slot);
	if (!v)
		return 0;
	__sync_fetch_and_add(v, by);
	return 1;
}

static __noinline __u64 twice(__u64 x)
{
	return x * 2;
}

SEC("xdp")
int xdp_strings(struct xdp_md *ctx)
{
	__u64 len = ctx->data_end - ctx->data;
	bpf_printk("xdp packet of %llu bytes", len);
	bpf_printk("and a second literal");
	return global_add(0, twice(len)) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
