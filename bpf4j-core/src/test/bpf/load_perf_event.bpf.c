// A sampling profiler: perf_event program storing user and kernel stacks in an array of frames
// (BPF_MAP_TYPE_STACK_TRACE is refused on this kernel, so bpf_get_stack is used instead).
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <bpf/bpf_helpers.h>

#define MAX_FRAMES 32

struct sample {
	__u32 pid;
	__u32 kernel_len;
	__u64 kernel[MAX_FRAMES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sample);
} sample_buf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} samples SEC(".maps");

SEC("perf_event")
int profile(struct bpf_perf_event_data *ctx)
{
	__u32 zero = 0;
	struct sample *s = bpf_map_lookup_elem(&sample_buf, &zero);
	if (!s)
		return 0;
	s->pid = bpf_get_current_pid_tgid() >> 32;
	long n = bpf_get_stack(ctx, s->kernel, sizeof(s->kernel), 0);
	s->kernel_len = n > 0 ? n / 8 : 0;
	bpf_ringbuf_output(&samples, s, sizeof(*s), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
