// Traffic control: a classic cls_bpf classifier that marks IPv4 packets and counts them.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>


struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tc_counts SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&tc_counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
	__u16 proto = 0;
	if (bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto)) < 0)
		return TC_ACT_OK;
	if (proto == bpf_htons(ETH_P_IP)) {
		skb->mark = 42;
		count(0);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
