// Socket filter and cgroup skb programs: byte accounting per direction.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} sock_bytes SEC(".maps");

static __always_inline void add(__u32 slot, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&sock_bytes, &slot);
	if (v)
		*v += n;
}

SEC("socket")
int socket_accept_all(struct __sk_buff *skb)
{
	add(0, skb->len);
	return skb->len;
}

SEC("cgroup_skb/ingress")
int cgroup_ingress(struct __sk_buff *skb)
{
	add(1, skb->len);
	return 1;
}

SEC("cgroup_skb/egress")
int cgroup_egress(struct __sk_buff *skb)
{
	add(2, skb->len);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
