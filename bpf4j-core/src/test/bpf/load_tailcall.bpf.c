// Tail calls through a program array filled from the object itself.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int tail_hits = 0;

SEC("xdp")
int xdp_tail_pass(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&tail_hits, 1);
	return XDP_PASS;
}

SEC("xdp")
int xdp_tail_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int (void *));
} jump_table SEC(".maps") = {
	.values = { [0] = (void *)&xdp_tail_pass, [1] = (void *)&xdp_tail_drop },
};

SEC("xdp")
int xdp_dispatch(struct xdp_md *ctx)
{
	__u32 slot = (ctx->data_end - ctx->data) > 100 ? 1 : 0;
	bpf_tail_call(ctx, &jump_table, slot);
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
