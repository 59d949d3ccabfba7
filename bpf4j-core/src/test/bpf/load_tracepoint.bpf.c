// Classic tracepoint with its ctx layout written out by hand (no CO-RE), events to a perf array.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sys_enter_openat_args {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__u64 dfd;
	const char *filename;
	__u64 flags;
	__u64 mode;
};

struct open_event {
	__u32 pid;
	__u32 flags;
	char path[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} open_events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_openat(struct sys_enter_openat_args *ctx)
{
	struct open_event e = {};
	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.flags = ctx->flags;
	bpf_probe_read_user_str(e.path, sizeof(e.path), ctx->filename);
	bpf_perf_event_output(ctx, &open_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
