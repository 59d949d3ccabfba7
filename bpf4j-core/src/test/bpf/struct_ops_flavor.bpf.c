// struct_ops matching by member name, as libbpf does: the struct is a flavor of the kernel's
// tcp_congestion_ops (___b4j) declaring only some members, in another order, plus one the
// kernel does not have (b4j_extra). A member the kernel lacks must be zero (it is skipped);
// set, the load is refused naming it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

struct tcp_congestion_ops___b4j {
	char name[16];
	__u32 (*undo_cwnd)(struct sock *sk);
	int b4j_extra;
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
};

SEC("struct_ops/flavor_ssthresh")
__u32 BPF_PROG(flavor_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/flavor_undo_cwnd")
__u32 BPF_PROG(flavor_undo_cwnd, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/flavor_cong_avoid")
void BPF_PROG(flavor_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops.link")
struct tcp_congestion_ops___b4j b4j_flavor = {
	.name = "b4j_flavor",
	.undo_cwnd = (void *)flavor_undo_cwnd,
	.b4j_extra = 7,
	.ssthresh = (void *)flavor_ssthresh,
	.cong_avoid = (void *)flavor_cong_avoid,
};
