// bpf4j-build: no -g
// An object without debug info (no .BTF): a legacy SEC("maps") definition and a socket filter.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct legacy_map_def {
	unsigned int type, key_size, value_size, max_entries, map_flags;
};

struct legacy_map_def nodebug_counts SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 4,
};

__u64 nodebug_total;

SEC("socket")
int nodebug_count(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&nodebug_counts, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	nodebug_total++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
