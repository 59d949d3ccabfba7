// Loaded with a BPF token by a process in a user namespace of its own (BpfTokenTest): an array
// map, global data and BTF, all created through the token, and an XDP program attached to the
// loopback device of the process's own network namespace.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} token_packets SEC(".maps");

__u64 token_seen = 0;

SEC("xdp")
int token_xdp_pass(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&token_packets, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	__sync_fetch_and_add(&token_seen, 1);
	return XDP_PASS;
}
