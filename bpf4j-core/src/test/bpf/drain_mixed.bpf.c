// Records of mixed sizes for the drain tests: every run writes one record whose size is a fixed
// function of its sequence number (24..512 bytes, see size_of), byte i being (u8)(seq + i) after the
// 8-byte sequence number, into a ring buffer (ring_mixed) or the current CPU's perf ring
// (perf_mixed). The reader computes the same sizes and checks every record's length and bytes.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_SIZE 512

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 65536);
} ring SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} perf SEC(".maps");

struct buf {
    __u8 bytes[MAX_SIZE];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct buf);
} scratch SEC(".maps");

/* Not atomic: the tests run these programs from one thread (BPF_PROG_TEST_RUN). */
__u64 next_seq = 0;
__u64 failed = 0;

/* 24..512 bytes; the Java test computes the same. */
static __always_inline __u64 size_of(__u64 seq)
{
    return 24 + (seq * 2654435761ULL) % 489;
}

static __always_inline int emit(void *ctx, int to_perf)
{
    __u32 zero = 0;
    struct buf *b = bpf_map_lookup_elem(&scratch, &zero);
    if (!b)
        return 0;
    __u64 seq = next_seq++;
    *(__u64 *)b->bytes = seq;
    for (int i = 8; i < MAX_SIZE; i++)
        b->bytes[i] = (__u8)(seq + i);
    /* clang knows size_of's range and would drop the check below; the verifier does not (it tracks no
     * bounds through %), so the value is made opaque to clang first. */
    __u64 size = size_of(seq);
    asm volatile("" : "+r"(size));
    if (size < 24 || size > MAX_SIZE)
        return 0;
    long err = to_perf ? bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, b, size)
                       : bpf_ringbuf_output(&ring, b, size, 0);
    if (err)
        __sync_fetch_and_add(&failed, 1);
    return 0;
}

SEC("tc") int ring_mixed(struct __sk_buff *ctx) { return emit(ctx, 0); }
SEC("tc") int perf_mixed(struct __sk_buff *ctx) { return emit(ctx, 1); }

char LICENSE[] SEC("license") = "GPL";
