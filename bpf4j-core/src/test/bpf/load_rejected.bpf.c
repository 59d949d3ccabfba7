// A good program, a program the verifier rejects (reads past a map value), then another good
// one, with maps: loading this object must fail and leave no map or program behind.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rej_values SEC(".maps");

__u64 rej_global = 0;

SEC("xdp")
int xdp_good_first(struct xdp_md *ctx)
{
	rej_global++;
	return XDP_PASS;
}

SEC("xdp")
int xdp_out_of_bounds(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&rej_values, &key);
	if (!v)
		return XDP_PASS;
	return v[2] ? XDP_DROP : XDP_PASS; /* value is 8 bytes: offset 16 is out of bounds */
}

SEC("xdp")
int xdp_good_last(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
