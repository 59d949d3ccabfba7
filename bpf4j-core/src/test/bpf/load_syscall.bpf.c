// A sleepable syscall program (BPF_PROG_TYPE_SYSCALL, run with BPF_PROG_TEST_RUN) and a
// sleepable uprobe (uprobe.s): the loader sets BPF_F_SLEEPABLE from the section name.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct args {
	__u64 in;
	__u64 out;
};

SEC("syscall")
int syscall_double(struct args *a)
{
	a->out = a->in * 2;
	return 0;
}

SEC("uprobe.s")
int BPF_KPROBE(sleepy_uprobe, const char *path)
{
	char buf[32];
	bpf_copy_from_user(buf, sizeof(buf), path);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
