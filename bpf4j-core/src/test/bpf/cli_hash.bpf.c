// A BTF hash map of structs for the bpf4j command's tests: `bpf4j map dump -j` is compared with
// `bpftool -j map dump` on it. The program only makes the object loadable with its map.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum cli_state { CLI_IDLE = 0, CLI_BUSY = 2, CLI_GONE = 7 };

struct cli_key {
	__u32 pid;
	char comm[8];
};

struct cli_value {
	__u64 count;
	__s32 delta;
	enum cli_state state;
	__u8 flags[3];
	struct {
		__u16 lo;
		__u16 hi;
	} range;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct cli_key);
	__type(value, struct cli_value);
	__uint(max_entries, 16);
} cli_stats SEC(".maps");

const volatile __u32 cli_limit = 3;

SEC("xdp")
int cli_touch(struct xdp_md *ctx)
{
	struct cli_key k = { .pid = cli_limit };
	struct cli_value *v = bpf_map_lookup_elem(&cli_stats, &k);
	if (v)
		__sync_fetch_and_add(&v->count, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
