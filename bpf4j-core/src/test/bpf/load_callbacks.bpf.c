// Callbacks: bpf_loop and bpf_for_each_map_elem take a function pointer (ld_imm64 PSEUDO_FUNC).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} cb_values SEC(".maps");

struct loop_ctx {
	__u64 sum;
};

static int add_index(__u32 index, void *data)
{
	struct loop_ctx *c = data;
	c->sum += index;
	return 0;
}

static __u64 sum_value(void *map, __u32 *key, __u64 *value, struct loop_ctx *c)
{
	c->sum += *value;
	return 0;
}

SEC("xdp")
int xdp_callbacks(struct xdp_md *ctx)
{
	struct loop_ctx c = {};
	bpf_loop(100, add_index, &c, 0);
	bpf_for_each_map_elem(&cb_values, sum_value, &c, 0);
	return c.sum == 4950 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
