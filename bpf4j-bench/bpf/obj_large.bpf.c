// A large object for ObjectSpec.read's benchmark (bpf4j-bench ObjectReadBench): hundreds of
// programs with unrolled loops, line info and map references, as a big real tool ships.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} large_counts SEC(".maps");

#define LARGE_PROG(n)                                                          \
	SEC("xdp") int xdp_large_##n(struct xdp_md *ctx)                       \
	{                                                                      \
		__u32 key = n;                                                 \
		__u64 *v = bpf_map_lookup_elem(&large_counts, &key);           \
		if (!v)                                                        \
			return XDP_PASS;                                       \
		__u64 len = ctx->data_end - ctx->data;                         \
		_Pragma("unroll") for (int i = 0; i < 24; i++)                 \
			*v += len * (i + n) ^ (*v >> (i & 7));                 \
		return XDP_PASS;                                               \
	}

#define TEN(a) LARGE_PROG(a##0) LARGE_PROG(a##1) LARGE_PROG(a##2) LARGE_PROG(a##3) LARGE_PROG(a##4) \
	LARGE_PROG(a##5) LARGE_PROG(a##6) LARGE_PROG(a##7) LARGE_PROG(a##8) LARGE_PROG(a##9)
#define HUNDRED(a) TEN(a##0) TEN(a##1) TEN(a##2) TEN(a##3) TEN(a##4) TEN(a##5) TEN(a##6) TEN(a##7) \
	TEN(a##8) TEN(a##9)

HUNDRED(1)
HUNDRED(2)
HUNDRED(3)

char LICENSE[] SEC("license") = "GPL";
