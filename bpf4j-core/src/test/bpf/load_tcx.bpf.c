// TCX (6.6+): ingress and egress programs attached by link. libbpf before 1.3 does not know the
// tcx/ section names, so an old bpftool refuses this object while bpf4j must load it.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#ifndef TCX_PASS
#define TCX_NEXT -1 /* linux/pkt_cls.h of 6.6+; Debian ships 6.1 headers */
#define TCX_PASS 0
#endif

__u64 tcx_packets[2];

SEC("tcx/ingress")
int tcx_ingress_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&tcx_packets[0], 1);
	return TCX_NEXT;
}

SEC("tcx/egress")
int tcx_egress_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&tcx_packets[1], skb->len);
	return TCX_PASS;
}

char LICENSE[] SEC("license") = "GPL";
