// kprobe/kretprobe (load, cannot attach here: no CONFIG_KPROBES) and uprobe/uretprobe programs
// with the BPF_KPROBE argument macros and CO-RE reads.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} probe_starts SEC(".maps");

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(kp_openat2, int dfd, const char *filename, struct open_how *how)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	u64 ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&probe_starts, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(krp_openat2, long ret)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	bpf_map_delete_elem(&probe_starts, &tid);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(up_getpid)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	u32 tgid = BPF_CORE_READ(t, tgid);
	u64 one = 1;
	bpf_map_update_elem(&probe_starts, &tgid, &one, BPF_ANY);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(urp_getpid, int ret)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
