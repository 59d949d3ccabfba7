// Auto-attach from the section name: SEC("usdt/PATH:PROVIDER:NAME"), as libbpf's skeletons do.
// The test points the target at the binary it builds (the path here is a placeholder).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, u32);
	__type(value, s64);
} usdt_seen SEC(".maps");

SEC("usdt/usdt_target:bpf4j_test:gated")
int BPF_USDT(on_gated_auto, s32 value, u64 triple)
{
	u32 k0 = 0, k1 = 1;
	s64 v = value, t = triple;

	bpf_map_update_elem(&usdt_seen, &k0, &v, BPF_ANY);
	bpf_map_update_elem(&usdt_seen, &k1, &t, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
