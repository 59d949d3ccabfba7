// A small Reno TCP congestion control as struct_ops, registered twice: through a BPF link
// (.struct_ops.link) and through the legacy map update (.struct_ops). Both maps share the
// callbacks, as libbpf allows for the same member of the same struct. The test names them
// (the "name" member) uniquely before load and counts the callbacks in .bss.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

__u64 init_calls = 0;
__u64 ssthresh_calls = 0;
__u64 cong_avoid_calls = 0;
__u64 undo_calls = 0;

SEC("struct_ops/b4j_init")
void BPF_PROG(b4j_init, struct sock *sk)
{
	__sync_fetch_and_add(&init_calls, 1);
}

SEC("struct_ops/b4j_ssthresh")
__u32 BPF_PROG(b4j_ssthresh, struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	__u32 half = tp->snd_cwnd >> 1;

	__sync_fetch_and_add(&ssthresh_calls, 1);
	return half > 2 ? half : 2;
}

SEC("struct_ops/b4j_cong_avoid")
void BPF_PROG(b4j_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	__sync_fetch_and_add(&cong_avoid_calls, 1);
	if (tp->snd_cwnd < tp->snd_ssthresh) {
		/* slow start: one segment per segment acked, up to ssthresh */
		__u32 cwnd = tp->snd_cwnd + acked;

		if (cwnd > tp->snd_ssthresh)
			cwnd = tp->snd_ssthresh;
		if (cwnd > tp->snd_cwnd_clamp)
			cwnd = tp->snd_cwnd_clamp;
		tp->snd_cwnd = cwnd;
		return;
	}
	/* congestion avoidance: one segment per window acked */
	if (tp->snd_cwnd_cnt + acked >= tp->snd_cwnd) {
		tp->snd_cwnd_cnt = 0;
		if (tp->snd_cwnd < tp->snd_cwnd_clamp)
			tp->snd_cwnd = tp->snd_cwnd + 1;
	} else {
		tp->snd_cwnd_cnt = tp->snd_cwnd_cnt + acked;
	}
}

SEC("struct_ops/b4j_undo_cwnd")
__u32 BPF_PROG(b4j_undo_cwnd, struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;

	__sync_fetch_and_add(&undo_calls, 1);
	return tp->snd_cwnd > tp->prior_cwnd ? tp->snd_cwnd : tp->prior_cwnd;
}

SEC(".struct_ops.link")
struct tcp_congestion_ops b4j_reno = {
	.init = (void *)b4j_init,
	.ssthresh = (void *)b4j_ssthresh,
	.cong_avoid = (void *)b4j_cong_avoid,
	.undo_cwnd = (void *)b4j_undo_cwnd,
	.name = "b4j_reno",
};

SEC(".struct_ops")
struct tcp_congestion_ops b4j_reno_legacy = {
	.init = (void *)b4j_init,
	.ssthresh = (void *)b4j_ssthresh,
	.cong_avoid = (void *)b4j_cong_avoid,
	.undo_cwnd = (void *)b4j_undo_cwnd,
	.name = "b4j_reno_legacy",
};
