// Writes 48-byte records to a perf event array on every run (the current CPU's ring).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
    __u64 seq;
    __u32 cpu;
    __u8 payload[36];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* Not atomic: the tests run these programs from one thread (BPF_PROG_TEST_RUN), and an atomic
 * whose result is used (BPF_FETCH) needs kernel 5.12, newer than the oldest the suite runs on. */
__u64 next_seq = 0;
__u64 failed = 0;

/* One record of the first `size` bytes of struct event, on the current CPU's ring. */
static __always_inline int emit_bytes(struct xdp_md *ctx, __u32 size)
{
    struct event e = {};
    e.seq = next_seq++;
    e.cpu = bpf_get_smp_processor_id();
    for (int i = 0; i < 36; i++)
        e.payload[i] = (__u8)(e.seq * 3 + i);
    if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, size))
        __sync_fetch_and_add(&failed, 1);
    return XDP_PASS;
}

SEC("xdp")
int emit(struct xdp_md *ctx)
{
    return emit_bytes(ctx, sizeof(struct event));
}

// The first 40 bytes only: 8 + 4 + 40 = 52-byte records, padded to 56, which does not divide the
// ring's size, so some records straddle its end and reach the reader through the wrap copy.
SEC("xdp")
int emit_short(struct xdp_md *ctx)
{
    return emit_bytes(ctx, 40);
}

char LICENSE[] SEC("license") = "GPL";
