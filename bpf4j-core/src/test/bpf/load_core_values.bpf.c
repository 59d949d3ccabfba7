// CO-RE values, one program per section and no maps, so a test can relocate each section on its
// own and compare what the program returns with the same object loaded by libbpf (bpftool).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define FIELD(expr, kind) __builtin_preserve_field_info(expr, kind)
#define T(type) ((type *)0)

/* A local flavor of task_struct: matches the kernel's by essential name. */
struct task_struct___mine {
	int pid;
	char comm[16];
} __attribute__((preserve_access_index));

/* How an older kernel named the task state. */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

struct bpf4j_no_such_type {
	int nothing;
} __attribute__((preserve_access_index));

SEC("raw_tp/v_offset")
int v_offset(void *ctx) { return FIELD(T(struct task_struct)->pid, BPF_FIELD_BYTE_OFFSET); }

SEC("raw_tp/v_nested")
int v_nested(void *ctx) { return FIELD(T(struct task_struct)->se.vruntime, BPF_FIELD_BYTE_OFFSET); }

SEC("raw_tp/v_array")
int v_array(void *ctx) { return FIELD(T(struct task_struct)->comm[3], BPF_FIELD_BYTE_OFFSET); }

SEC("raw_tp/v_size")
int v_size(void *ctx)
{
	return FIELD(T(struct task_struct)->comm, BPF_FIELD_BYTE_SIZE)
		| FIELD(T(struct task_struct)->start_time, BPF_FIELD_BYTE_SIZE) << 8;
}

SEC("raw_tp/v_exists")
int v_exists(void *ctx)
{
	return FIELD(T(struct task_struct)->pid, BPF_FIELD_EXISTS)
		| FIELD(T(struct task_struct___old)->state, BPF_FIELD_EXISTS) << 1
		| FIELD(T(struct bpf4j_no_such_type)->nothing, BPF_FIELD_EXISTS) << 2;
}

SEC("raw_tp/v_signed")
int v_signed(void *ctx)
{
	return FIELD(T(struct task_struct)->pid, BPF_FIELD_SIGNED)
		| FIELD(T(struct task_struct)->flags, BPF_FIELD_SIGNED) << 1;
}

SEC("raw_tp/v_bitfield")
int v_bitfield(void *ctx)
{
	return FIELD(T(struct sk_buff)->pkt_type, BPF_FIELD_LSHIFT_U64)
		| FIELD(T(struct sk_buff)->pkt_type, BPF_FIELD_RSHIFT_U64) << 8
		| FIELD(T(struct sk_buff)->pkt_type, BPF_FIELD_BYTE_SIZE) << 16;
}

SEC("raw_tp/v_bitfield_off")
int v_bitfield_off(void *ctx) { return FIELD(T(struct sk_buff)->pkt_type, BPF_FIELD_BYTE_OFFSET); }

SEC("raw_tp/v_types")
int v_types(void *ctx)
{
	return bpf_core_type_exists(struct task_struct)
		| bpf_core_type_exists(struct bpf4j_no_such_type) << 1
		| bpf_core_type_matches(struct list_head) << 2
		| bpf_core_type_matches(struct task_struct___mine) << 3;
}

SEC("raw_tp/v_type_size")
int v_type_size(void *ctx) { return bpf_core_type_size(struct task_struct); }

SEC("raw_tp/v_type_id")
int v_type_id(void *ctx) { return bpf_core_type_id_kernel(struct task_struct); }

SEC("raw_tp/v_enum")
int v_enum(void *ctx)
{
	return bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF)
		| bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF) << 8;
}

SEC("raw_tp/v_flavor")
int v_flavor(void *ctx)
{
	return FIELD(T(struct task_struct___mine)->comm, BPF_FIELD_BYTE_OFFSET);
}

SEC("raw_tp/v_guarded")
int v_guarded(void *ctx)
{
	/* The offset relocation cannot resolve and is poisoned, but the guard makes it dead code. */
	if (FIELD(T(struct task_struct___old)->state, BPF_FIELD_EXISTS))
		return FIELD(T(struct task_struct___old)->state, BPF_FIELD_BYTE_OFFSET);
	return 7;
}

char LICENSE[] SEC("license") = "GPL";
