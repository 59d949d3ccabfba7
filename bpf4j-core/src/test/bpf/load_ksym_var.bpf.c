// A typed kernel variable as a .ksyms extern (ld_imm64 PSEUDO_BTF_ID with the VAR's BTF id).
// The kernel resolves its address itself; a kernel built without CONFIG_KALLSYMS_ALL (as here)
// finds no data symbols and refuses the program ("failed to find the address for kernel symbol").
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

extern const struct rq runqueues __ksym;

__u64 rq_cpu = 0;

SEC("tp_btf/sched_switch")
int BPF_PROG(ksym_var_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct rq *rq = bpf_this_cpu_ptr(&runqueues);
	rq_cpu = rq->cpu;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
