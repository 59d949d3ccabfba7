// Socket-level cgroup hooks and socket lookup: redirect connect() to a local port, refuse raw
// sockets for a cgroup, and steer incoming connections to a socket kept in a sockmap.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SOCK_RAW 3 /* from sys/socket.h, which is not for the BPF target */

const volatile __u16 redirect_from = 8080;
const volatile __u16 redirect_to = 18080;

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lookup_target SEC(".maps");

SEC("cgroup/connect4")
int connect4_redirect(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(redirect_from))
		ctx->user_port = bpf_htons(redirect_to);
	return 1;
}

SEC("cgroup/sock_create")
int sock_create_no_raw(struct bpf_sock *sk)
{
	return sk->type == SOCK_RAW ? 0 : 1;
}

SEC("sk_lookup")
int sk_lookup_steer(struct bpf_sk_lookup *ctx)
{
	__u32 zero = 0;
	if (ctx->local_port != redirect_to)
		return SK_PASS;
	struct bpf_sock *sk = bpf_map_lookup_elem(&lookup_target, &zero);
	if (!sk)
		return SK_PASS;
	long err = bpf_sk_assign(ctx, sk, 0);
	bpf_sk_release(sk);
	return err ? SK_DROP : SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
