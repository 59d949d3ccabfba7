// Every CO-RE relocation kind in one raw tracepoint: field offset/size/exists/signedness,
// bitfield shifts, local/target type ids, type exists/matches/size, enum value exists/value,
// and a ___flavor struct describing an older kernel's layout.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

/* An older kernel's task_struct had "state" instead of "__state": a flavor names it. */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

/* A type that exists in no kernel: its relocations resolve to "absent". */
struct bpf4j_no_such_type {
	int nothing;
} __attribute__((preserve_access_index));

struct core_results {
	__u64 state;
	__u64 sizes;
	__u64 exists;
	__u64 bits;
	__u64 ids;
	__u64 enums;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct core_results);
} core_out SEC(".maps");

SEC("raw_tracepoint/sys_enter")
int core_kinds(void *ctx)
{
	__u32 zero = 0;
	struct core_results *r = bpf_map_lookup_elem(&core_out, &zero);
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	if (!r)
		return 0;

	if (bpf_core_field_exists(task->__state))
		r->state = BPF_CORE_READ(task, __state);
	else
		r->state = BPF_CORE_READ((struct task_struct___old *)task, state);

	r->sizes = bpf_core_field_size(task->pid) + (bpf_core_type_size(struct task_struct) << 8);
	r->exists = bpf_core_type_exists(struct task_struct)
		| (bpf_core_type_exists(struct bpf4j_no_such_type) << 1)
		| (bpf_core_field_exists(((struct bpf4j_no_such_type *)0)->nothing) << 2)
		| (bpf_core_type_matches(struct task_struct) << 3)
		| (__builtin_preserve_field_info(task->pid, BPF_FIELD_SIGNED) << 4);

	struct sk_buff *skb = NULL;
	bpf_probe_read_kernel(&skb, sizeof(skb), &task->stack);
	if (skb)
		r->bits = BPF_CORE_READ_BITFIELD_PROBED(skb, pkt_type);

	r->ids = bpf_core_type_id_local(struct task_struct) | ((__u64)bpf_core_type_id_kernel(struct task_struct) << 32);
	r->enums = bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF)
		| ((__u64)bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF) << 8);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
