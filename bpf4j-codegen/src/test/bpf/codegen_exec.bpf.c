// bpf4j-codegen's test object: a ring buffer whose record type is declared with BPF4J_RECORD,
// a perf event array whose record type the options name, maps with struct keys and values,
// .rodata constants (a filter and an enum), and .data/.bss globals. One record per execve of the
// target process.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <stdbool.h>
#include "bpf4j.h"

enum event_kind { KIND_EXEC = 1, KIND_FORK = 2, KIND_EXIT = 3 };

struct event {
	__u32 pid;
	__u32 ppid_unused;
	enum event_kind kind;
	__u32 seq;
	__u64 cookie;
	char comm[16];
	struct {
		__u16 port;
		__s8 delta;
	} net;
	union {
		__u32 as_u32;
		__u8 as_bytes[4];
	};
	bool marked;
	__u16 flags_bits : 3;
};

struct perf_sample {
	__u32 pid;
	__s32 value;
};

typedef struct {
	__u32 pid;
	char comm[16];
} exec_key_t;

struct exec_stats {
	__u64 count;
	__s64 last_seq;
	__u16 ports[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");
BPF4J_RECORD(events, struct event);

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, exec_key_t);
	__type(value, struct exec_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

// Keeps struct perf_sample in BTF (the options name it as the record type of "samples").
const struct perf_sample *perf_sample_type __attribute__((unused));

const volatile __u32 target_tgid = 0;
const volatile enum event_kind report_kind = KIND_EXEC;
const volatile __u64 cookie = 7;

struct limits {
	__u32 max_events;
	__u32 seen;
};

struct limits limits = { .max_events = 1000, .seen = 0 };
__u64 exec_count;
__s32 last_pid;

SEC("tracepoint/syscalls/sys_enter_execve")
int on_exec(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (target_tgid && tgid != target_tgid)
		return 0;
	if (limits.seen >= limits.max_events)
		return 0;
	limits.seen++;
	__u32 seq = __sync_fetch_and_add(&exec_count, 1);
	last_pid = tgid;
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->pid = tgid;
	e->kind = report_kind;
	e->seq = seq;
	e->cookie = cookie;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->net.port = 8080;
	e->net.delta = -2;
	e->as_u32 = 0x01020304;
	e->marked = true;
	bpf_ringbuf_submit(e, 0);

	exec_key_t key = {};
	key.pid = tgid;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	struct exec_stats *s = bpf_map_lookup_elem(&stats, &key);
	if (s) {
		s->count++;
		s->last_seq = seq;
	} else {
		struct exec_stats fresh = { .count = 1, .last_seq = seq, .ports = { 80, 443 } };
		bpf_map_update_elem(&stats, &key, &fresh, BPF_ANY);
	}
	__u32 slot = 0;
	__u64 *t = bpf_map_lookup_elem(&totals, &slot);
	if (t)
		__sync_fetch_and_add(t, 1);

	struct perf_sample p = { .pid = tgid, .value = -5 };
	bpf_perf_event_output(ctx, &samples, BPF_F_CURRENT_CPU, &p, sizeof(p));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
