// The record streams of the drain benchmarks (bpf4j-bench DrainBench and c/drain_bench.c load this
// same object): every run of a program writes one record whose first 8 bytes are a sequence
// number, into a 64 MiB ring buffer or the current CPU's perf ring. Sizes: "same" 48 bytes every
// time, "alternating" 40 and 48 bytes in turn, "spread" drawn from 24..512 bytes by a fixed
// pseudo-random sequence (so Java and C drain the same stream). The programs are tc programs: their
// BPF_PROG_TEST_RUN costs no RCU grace period per call (XDP's swaps the dispatcher twice a call),
// which the small-batch rows make many of.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 << 20);
} ring SEC(".maps");

/* A 256 KiB ring for the release-policy experiment: what a producer drops while a reader drains. */
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 << 10);
} small SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} perf SEC(".maps");

struct record {
    __u64 words[64];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct record);
} scratch SEC(".maps");

__u64 seq = 0;
__u64 state = 0x9E3779B97F4A7C15ULL;
__u64 dropped = 0;
__u64 written = 0;

static __always_inline __u32 next_size(int kind)
{
    if (kind == 0)
        return 48;
    if (kind == 1)
        return (seq & 1) ? 40 : 48;
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    __u32 x = (state >> 40) & 511;
    return 24 + ((x * 489) >> 9); /* 24..512 */
}

static __always_inline int emit(void *ctx, int kind, int to_perf)
{
    __u32 zero = 0;
    struct record *r = bpf_map_lookup_elem(&scratch, &zero);
    if (!r)
        return 0; /* TC_ACT_OK */
    __u32 size = next_size(kind);
    r->words[0] = seq++;
    if (size < 24 || size > sizeof(*r))
        return 0; /* TC_ACT_OK */
    if (to_perf)
        bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, r, size);
    else
        bpf_ringbuf_output(&ring, r, size, 0);
    return 0; /* TC_ACT_OK */
}

SEC("tc") int ring_same(struct __sk_buff *ctx) { return emit(ctx, 0, 0); }
SEC("tc") int ring_alternating(struct __sk_buff *ctx) { return emit(ctx, 1, 0); }
SEC("tc") int ring_spread(struct __sk_buff *ctx) { return emit(ctx, 2, 0); }
SEC("tc") int perf_same(struct __sk_buff *ctx) { return emit(ctx, 0, 1); }
SEC("tc") int perf_alternating(struct __sk_buff *ctx) { return emit(ctx, 1, 1); }
SEC("tc") int perf_spread(struct __sk_buff *ctx) { return emit(ctx, 2, 1); }

/* Sizes spread as ring_spread, into the small ring; a full ring is counted in dropped. */
SEC("tc") int small_spread(struct __sk_buff *ctx)
{
    __u32 zero = 0;
    struct record *r = bpf_map_lookup_elem(&scratch, &zero);
    if (!r)
        return 0; /* TC_ACT_OK */
    __u32 size = next_size(2);
    r->words[0] = seq++;
    if (size < 24 || size > sizeof(*r))
        return 0; /* TC_ACT_OK */
    if (bpf_ringbuf_output(&small, r, size, 0))
        __sync_fetch_and_add(&dropped, 1);
    else
        __sync_fetch_and_add(&written, 1);
    return 0; /* TC_ACT_OK */
}

char LICENSE[] SEC("license") = "GPL";
