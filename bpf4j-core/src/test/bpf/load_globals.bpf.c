// Globals in every section: const volatile .rodata (set before load), .data, .bss and a custom
// .data.stats section; an XDP program reads and writes them.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 verdict = XDP_PASS;
const volatile __u64 min_len = 0;
const volatile char greeting[8] = "hello";

__u64 seen = 0;            /* .bss */
__u64 budget = 1000;       /* .data */
__u64 long_packets SEC(".data.stats") = 0;
__u64 short_packets SEC(".data.stats") = 0;

SEC("xdp")
int xdp_globals(struct xdp_md *ctx)
{
	__u64 len = ctx->data_end - ctx->data;
	__sync_fetch_and_add(&seen, 1);
	if (budget > 0)
		budget--;
	if (len >= min_len)
		__sync_fetch_and_add(&long_packets, 1);
	else
		__sync_fetch_and_add(&short_packets, 1);
	if (greeting[0] != 'h')
		return XDP_ABORTED;
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
