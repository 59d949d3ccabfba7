// A USDT program written for libbpf: usdt.bpf.h declares its spec maps and reads libbpf's
// virtual kconfig extern LINUX_HAS_BPF_COOKIE.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, long);
} last_arg SEC(".maps");

SEC("usdt")
int BPF_USDT(on_probe, long first)
{
	u32 zero = 0;
	bpf_map_update_elem(&last_arg, &zero, &first, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
