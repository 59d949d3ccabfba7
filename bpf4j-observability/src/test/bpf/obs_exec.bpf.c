// bpf4j-observability's tests: counts real execs into maps exposed as metrics, and emits one
// ring buffer record per exec for JFR. Only programs whose comm starts with "bpf4jobs" (the
// tests' own copies of /bin/true, named bpf4jobs<random>) are counted, so other execs on the
// machine do not change what the tests check.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SLOTS 32

struct exec_key {
	__u32 pid;
	char comm[16];
};

struct exec_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 flags;
	char comm[16];
};

struct hist {
	__u32 slots[SLOTS];
};

struct stats {
	__u64 execs;
	__u64 pid_sum;
};

/* exec counts by (pid, comm): a counter per key, two tags */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct exec_key);
	__type(value, __u64);
	__uint(max_entries, 10240);
} obs_execs SEC(".maps");

/* exec counts and pid sums by comm alone, per CPU: a scalar key, a struct value, CPU sums */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, char[16]);
	__type(value, struct stats);
	__uint(max_entries, 1024);
} obs_comm SEC(".maps");

/* log2(pid) of each exec: an array indexed by slot */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SLOTS);
} obs_pid_slots SEC(".maps");

/* log2(pid) of each exec by comm: libbpf-tools' struct hist per key */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, char[16]);
	__type(value, struct hist);
	__uint(max_entries, 1024);
} obs_pid_hist SEC(".maps");

/* per-CPU counters the tests fill from user space (per-CPU sums, the series cap) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1024);
} obs_percpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} obs_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} obs_perf SEC(".maps");

const struct exec_event *obs_event_type __attribute__((unused));

static __always_inline __u32 log2u(__u32 v)
{
	__u32 r = 0;
	for (int i = 16; i > 0; i >>= 1) {
		if (v >> i) {
			v >>= i;
			r += i;
		}
	}
	return r;
}

SEC("tracepoint/sched/sched_process_exec")
int obs_on_exec(void *ctx)
{
	struct exec_key key = {};
	const char prefix[] = "bpf4jobs";

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	for (int i = 0; i < 8; i++) {
		if (key.comm[i] != prefix[i])
			return 0;
	}
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	key.pid = pid;

	__u64 one = 1, *n = bpf_map_lookup_elem(&obs_execs, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&obs_execs, &key, &one, BPF_NOEXIST);

	struct stats *s = bpf_map_lookup_elem(&obs_comm, key.comm);
	if (s) {
		s->execs++;
		s->pid_sum += pid;
	} else {
		struct stats first = {.execs = 1, .pid_sum = pid};
		bpf_map_update_elem(&obs_comm, key.comm, &first, BPF_NOEXIST);
	}

	__u32 slot = log2u(pid);
	if (slot >= SLOTS)
		slot = SLOTS - 1;
	__u64 *c = bpf_map_lookup_elem(&obs_pid_slots, &slot);
	if (c)
		__sync_fetch_and_add(c, 1);
	struct hist *h = bpf_map_lookup_elem(&obs_pid_hist, key.comm);
	if (!h) {
		struct hist zero = {};
		bpf_map_update_elem(&obs_pid_hist, key.comm, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&obs_pid_hist, key.comm);
	}
	if (h)
		__sync_fetch_and_add(&h->slots[slot & (SLOTS - 1)], 1);

	struct exec_event ev = {.ts_ns = bpf_ktime_get_ns(), .pid = pid};
	__builtin_memcpy(ev.comm, key.comm, sizeof(ev.comm));
	bpf_perf_event_output(ctx, &obs_perf, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	struct exec_event *e = bpf_ringbuf_reserve(&obs_events, sizeof(*e), 0);
	if (!e)
		return 0;
	*e = ev;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
