// freplace (BPF_PROG_TYPE_EXT): xdp_verdict_target calls the global function verdict(), which
// answers XDP_PASS; the extension new_verdict, loaded against that program, answers XDP_DROP
// in its place once attached.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__noinline int verdict(struct xdp_md *ctx)
{
	if (!ctx)
		return XDP_ABORTED;
	return XDP_PASS;
}

SEC("xdp")
int xdp_verdict_target(struct xdp_md *ctx)
{
	return verdict(ctx);
}

SEC("freplace/verdict")
int new_verdict(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
