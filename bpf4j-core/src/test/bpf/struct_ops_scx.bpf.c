// A minimal sched_ext scheduler: one global FIFO. select_cpu keeps the previous CPU, enqueue puts
// every task on the global dispatch queue (which the core consumes by itself), dispatch only
// counts. The kernel's struct is declared here as a flavor (sched_ext_ops___b4j) with just the
// members used: the loader matches them to the kernel's struct sched_ext_ops by name, so this
// builds against a vmlinux.h without sched_ext. scx_bpf_dsq_insert (6.13+) replaced
// scx_bpf_dispatch; the test tells which one this kernel has through has_dsq_insert.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

#define B4J_DSQ_GLOBAL ((1ULL << 63) | 1)   /* SCX_DSQ_FLAG_BUILTIN | 1 */
#define B4J_SLICE_DFL 20000000ULL           /* SCX_SLICE_DFL: 20 ms */

void scx_bpf_dsq_insert(struct task_struct *p, __u64 dsq_id, __u64 slice, __u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch(struct task_struct *p, __u64 dsq_id, __u64 slice, __u64 enq_flags) __ksym __weak;

const volatile bool has_dsq_insert = true;

__u64 select_calls = 0;
__u64 enqueue_calls = 0;
__u64 dispatch_calls = 0;

struct sched_ext_ops___b4j {
	__s32 (*select_cpu)(struct task_struct *p, __s32 prev_cpu, __u64 wake_flags);
	void (*enqueue)(struct task_struct *p, __u64 enq_flags);
	void (*dispatch)(__s32 cpu, struct task_struct *prev);
	char name[128];
};

SEC("struct_ops/b4j_select_cpu")
__s32 BPF_PROG(b4j_select_cpu, struct task_struct *p, __s32 prev_cpu, __u64 wake_flags)
{
	__sync_fetch_and_add(&select_calls, 1);
	return prev_cpu;
}

SEC("struct_ops/b4j_enqueue")
void BPF_PROG(b4j_enqueue, struct task_struct *p, __u64 enq_flags)
{
	__sync_fetch_and_add(&enqueue_calls, 1);
	if (has_dsq_insert)
		scx_bpf_dsq_insert(p, B4J_DSQ_GLOBAL, B4J_SLICE_DFL, enq_flags);
	else
		scx_bpf_dispatch(p, B4J_DSQ_GLOBAL, B4J_SLICE_DFL, enq_flags);
}

SEC("struct_ops/b4j_dispatch")
void BPF_PROG(b4j_dispatch, __s32 cpu, struct task_struct *prev)
{
	__sync_fetch_and_add(&dispatch_calls, 1);
}

SEC(".struct_ops.link")
struct sched_ext_ops___b4j b4j_fifo = {
	.select_cpu = (void *)b4j_select_cpu,
	.enqueue = (void *)b4j_enqueue,
	.dispatch = (void *)b4j_dispatch,
	.name = "b4j_fifo",
};
