// BPF_KSYSCALL from libbpf's bpf_tracing.h: it reads libbpf's virtual kconfig extern
// LINUX_HAS_SYSCALL_WRAPPER, which no kernel config file has.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u32);
	__type(value, u64);
} kill_signals SEC(".maps");

SEC("ksyscall/kill")
int BPF_KSYSCALL(ksys_kill, pid_t pid, int sig)
{
	u32 key = (u32)pid;
	u64 value = (u64)sig;
	bpf_map_update_elem(&kill_signals, &key, &value, BPF_ANY);
	return 0;
}

SEC("kretsyscall/kill")
int BPF_KRETPROBE(kret_kill, long ret)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
