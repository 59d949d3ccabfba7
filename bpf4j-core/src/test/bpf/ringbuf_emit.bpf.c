// Emits 48-byte records into a ring buffer on every run: a repeatable generator for the ring
// buffer tests (BPF_PROG_TEST_RUN with repeat N gives N records).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
    __u64 seq;
    __u32 kind;
    __u8 payload[36];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16384);
} events SEC(".maps");

/* Records the ring had no room for, counted per CPU by emit_counting_drops. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

/* Not atomic: the tests run these programs from one thread (BPF_PROG_TEST_RUN), and an atomic
 * whose result is used (BPF_FETCH) needs kernel 5.12, newer than the oldest the suite runs on. */
__u64 next_seq = 0;

/* One record of the first `size` bytes of an event of `kind`, its payload counting up from seq. */
static __always_inline int emit_bytes(__u32 kind, __u32 size)
{
    struct event e = {};
    e.seq = next_seq++;
    e.kind = kind;
    for (int i = 0; i < 36; i++)
        e.payload[i] = (__u8)(e.seq + i);
    bpf_ringbuf_output(&events, &e, size, 0);
    return XDP_PASS;
}

SEC("xdp")
int emit(struct xdp_md *ctx)
{
    return emit_bytes(1, sizeof(struct event));
}

/* The first 40 bytes of an event only: 48-byte records among emit's 56-byte ones. */
SEC("xdp")
int emit_short(struct xdp_md *ctx)
{
    return emit_bytes(4, 40);
}

/* Every other record is reserved and then discarded: the reader must skip those. */
SEC("xdp")
int emit_some_discarded(struct xdp_md *ctx)
{
    __u64 seq = next_seq++;
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return XDP_PASS;
    e->seq = seq;
    e->kind = 2;
    if (seq & 1)
        bpf_ringbuf_discard(e, 0);
    else
        bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

/* As emit, but a full ring is counted in drops instead of passing unseen. */
SEC("xdp")
int emit_counting_drops(struct xdp_md *ctx)
{
    struct event e = {};
    __u32 zero = 0;
    e.seq = next_seq++;
    e.kind = 3;
    if (bpf_ringbuf_output(&events, &e, sizeof(e), 0)) {
        __u64 *n = bpf_map_lookup_elem(&drops, &zero);
        if (n)
            (*n)++;
    }
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
