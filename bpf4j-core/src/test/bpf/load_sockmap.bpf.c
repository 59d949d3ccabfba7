// sockops collects established sockets into a sockhash; sk_msg and sk_skb redirect through it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct sock_key {
	__u32 sip;
	__u32 dip;
	__u32 sport;
	__u32 dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 1024);
	__type(key, struct sock_key);
	__type(value, __u32);
} sock_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} sock_map SEC(".maps");

SEC("sockops")
int sockops_track(struct bpf_sock_ops *ops)
{
	if (ops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB && ops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
		return 1;
	struct sock_key k = {
		.sip = ops->local_ip4, .dip = ops->remote_ip4,
		.sport = ops->local_port, .dport = bpf_ntohl((__u32)ops->remote_port),
	};
	bpf_sock_hash_update(ops, &sock_hash, &k, BPF_NOEXIST);
	return 1;
}

SEC("sk_msg")
int sk_msg_redirect(struct sk_msg_md *msg)
{
	struct sock_key k = {
		.sip = msg->remote_ip4, .dip = msg->local_ip4,
		.sport = bpf_ntohl((__u32)msg->remote_port), .dport = msg->local_port,
	};
	bpf_msg_redirect_hash(msg, &sock_hash, &k, BPF_F_INGRESS);
	return SK_PASS;
}

SEC("sk_skb/stream_verdict")
int sk_skb_verdict(struct __sk_buff *skb)
{
	return bpf_sk_redirect_map(skb, &sock_map, 0, 0);
}

char LICENSE[] SEC("license") = "GPL";
