// XDP packet parsing with bounds checks: count UDP packets per destination port, drop port 9.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u64);
} udp_ports SEC(".maps");

SEC("xdp")
int xdp_udp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return XDP_PASS;
	struct udphdr *udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return XDP_PASS;
	__u16 port = bpf_ntohs(udp->dest);
	__u64 one = 1, *n = bpf_map_lookup_elem(&udp_ports, &port);
	if (n)
		*n += 1;
	else
		bpf_map_update_elem(&udp_ports, &port, &one, BPF_NOEXIST);
	return port == 9 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
