// .ksyms externs: kfuncs (bpf_task_from_pid / bpf_task_release, called as PSEUDO_KFUNC_CALL)
// and an untyped symbol whose address comes from /proc/kallsyms. Typed variables are in
// load_ksym_var.bpf.c.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern const void bpf_prog_put __ksym;

__u64 ksym_out[3];

SEC("tp_btf/sched_switch")
int BPF_PROG(ksym_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *t = bpf_task_from_pid(next->pid);
	if (t) {
		ksym_out[0] = t->pid;
		bpf_task_release(t);
	}
	ksym_out[1] = bpf_get_smp_processor_id();
	ksym_out[2] = (__u64)&bpf_prog_put;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
