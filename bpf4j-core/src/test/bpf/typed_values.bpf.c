// Typed values end to end: a struct that covers every BTF kind a value can hold (signed and
// unsigned widths, char[], other arrays, nested struct, union, anonymous members, enum, enum64,
// bitfields, pointers, bool, padding; no float: bpftool cannot print one), filled with known values by an XDP program run
// with BPF_PROG_TEST_RUN; maps of every kind with BTF keys and values; a ring buffer and a perf
// array of a named struct; globals in .rodata, .data, .bss and a custom section.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <stdbool.h>

enum color { RED = 1, GREEN = 2, MINUS = -3 };
enum wide { WIDE_SMALL = 1, WIDE_BIG = 0x100000000ULL, WIDE_TOP = 0xfffffffffffffff0ULL };

struct inner {
	__u16 port;
	__s8 delta;		/* 1 byte of padding follows */
};

union either {
	__u32 as_u32;
	__u8 as_bytes[4];
};

struct all_kinds {
	__u8 u8;
	__s8 s8;
	__u16 u16;
	__s16 s16;
	__u32 u32;		/* padding before: s16 ends at 6 */
	__s32 s32;
	__u64 u64;
	__s64 s64;
	char name[16];
	__u32 nums[3];
	__u8 raw[4];
	struct inner in;
	union either either;
	enum color color;
	enum wide wide;
	unsigned int flag_a : 1, flag_b : 3;
	int level : 4;
	struct {
		__u32 anon_x;
		__u16 anon_y;
	};
	union {
		__u32 anon_u;
		__s32 anon_s;
	};
	void *ptr;
	struct inner *inner_ptr;
	bool ok;
	struct inner pairs[2];
	__u64 big_unsigned;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct all_kinds);
} values SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct inner);
	__type(value, struct all_kinds);
} by_inner SEC(".maps");

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
	char tag[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} recent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct flow_stats);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct flow_stats);
} cpu_stats SEC(".maps");

struct ipv4_lpm_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ipv4_lpm_key);
	__type(value, __u32);
} routes SEC(".maps");

struct name_lpm_key {
	__u32 prefixlen;
	char name[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct name_lpm_key);
	__type(value, __u32);
} prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__type(value, struct flow_key);
} seen_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, struct flow_stats);
} work SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 8);
	__type(value, __u32);
} undo SEC(".maps");

struct exec_like {
	__u32 pid;
	__u32 uid;
	char comm[16];
	__u64 seq;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 4);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

const volatile __u32 filter_pid = 0;
const volatile char banner[8] = "typed";
__u64 runs = 0;				/* .bss */
/* Also what puts struct exec_like into the BTF: clang describes only types that a global, a map
 * or a function signature uses, never those of locals alone. */
struct exec_like last_event;		/* .bss */
__u32 limit = 7;			/* .data */
struct flow_stats last = { .packets = 3, .tag = "init" };	/* .data */
__u64 custom_hits SEC(".data.custom") = 11;

SEC("xdp")
int fill(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct all_kinds *v = bpf_map_lookup_elem(&values, &k);
	if (!v)
		return XDP_ABORTED;
	v->u8 = 250;
	v->s8 = -5;
	v->u16 = 65000;
	v->s16 = -30000;
	v->u32 = 4000000000U;
	v->s32 = -2000000000;
	v->u64 = 0xfedcba9876543210ULL;
	v->s64 = -9000000000000000000LL;
	__builtin_memcpy(v->name, "typed-bpf", 10);
	v->nums[0] = 1;
	v->nums[1] = 2;
	v->nums[2] = 3;
	v->raw[0] = 0xde;
	v->raw[1] = 0xad;
	v->raw[2] = 0xbe;
	v->raw[3] = 0xef;
	v->in.port = 8080;
	v->in.delta = -1;
	v->either.as_u32 = 0x04030201;
	v->color = MINUS;
	v->wide = WIDE_BIG;
	v->flag_a = 1;
	v->flag_b = 5;
	v->level = -3;
	v->anon_x = 77;
	v->anon_y = 78;
	v->anon_s = -79;
	v->ptr = (void *)0xffff888012345678ULL;
	v->inner_ptr = 0;
	v->ok = true;
	v->pairs[0].port = 1;
	v->pairs[0].delta = 2;
	v->pairs[1].port = 3;
	v->pairs[1].delta = -4;
	v->big_unsigned = 0xffffffffffffffffULL;
	bpf_map_update_elem(&by_inner, &v->in, v, BPF_ANY);
	return XDP_PASS;
}

/* One exec_like record per run into the ring and the perf array; pid counts runs. */
SEC("xdp")
int emit(struct xdp_md *ctx)
{
	struct exec_like e = {};
	/* not __sync_fetch_and_add: an atomic whose result is used needs BPF_FETCH (5.12); test runs are serial */
	__u64 n = runs;
	runs = n + 1;
	if (filter_pid && filter_pid != 42)
		return XDP_DROP;
	e.pid = 1000 + (__u32)n;
	e.uid = limit;
	__builtin_memcpy(e.comm, "typed", 6);
	e.seq = n;
	last_event = e;
	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	__sync_fetch_and_add(&custom_hits, 1);
	last.packets++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
