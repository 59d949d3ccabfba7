// A stack-trace map whose value size is set by the tool before load (as profilers do, for the
// depth they want): the object itself declares none.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 1024);
	__uint(key_size, sizeof(__u32));
} stacks SEC(".maps");

SEC("perf_event")
int sample_stack(void *ctx)
{
	bpf_get_stackid(ctx, &stacks, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
