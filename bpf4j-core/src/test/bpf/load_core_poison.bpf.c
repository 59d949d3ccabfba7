// A CO-RE relocation no kernel satisfies (not task_struct's state: before 5.14 it exists), on a
// reachable path: the loader poisons the instruction (a call of helper 0xbad2310), the verifier refuses it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___old {
	long bpf4j_absent_field;
} __attribute__((preserve_access_index));

SEC("raw_tp/poisoned")
int poisoned(void *ctx)
{
	return __builtin_preserve_field_info(((struct task_struct___old *)0)->bpf4j_absent_field, BPF_FIELD_BYTE_OFFSET);
}

char LICENSE[] SEC("license") = "GPL";
