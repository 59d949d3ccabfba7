// For `bpf4j run`'s test: one ring buffer record per execve, decoded by the command through the
// BTF of struct cli_exec (kept in BTF by the unused global pointer, as libbpf-bootstrap does).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct cli_exec {
	__u32 pid;
	__u32 seq;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} cli_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} cli_count SEC(".maps");

const struct cli_exec *cli_exec_type __attribute__((unused));

SEC("tracepoint/syscalls/sys_enter_execve")
int cli_on_exec(void *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&cli_count, &zero);
	struct cli_exec *e = bpf_ringbuf_reserve(&cli_events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->seq = n ? __sync_fetch_and_add(n, 1) : 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
