// bpf4j-codegen's test object for type mapping: arrays of structs, enums and arrays, char[][],
// a 64-bit enum, an anonymous enum named by its typedef, a union as a map value, a struct whose
// C name is taken in Java (String), a member named by a Java keyword, and maps of every typed kind.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <stdbool.h>

enum wide { WIDE_SMALL = 1, WIDE_BIG = 0x100000000ULL };
typedef enum { MODE_OFF, MODE_ON } op_mode_t;

struct point {
	__s32 x;
	__s32 y;
};

struct string {
	char text[8];
};

union number {
	__u32 u;
	float f;
};

struct shapes {
	struct point pts[2];
	__u32 grid[2][3];
	char names[2][8];
	enum wide w;
	op_mode_t mode;
	op_mode_t modes[2];
	__u32 class;
	__u64 *ptr;
	float ratio;
	struct string label;
	__u8 raw[3];
	bool on;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct shapes);
} shapes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct point);
	__type(value, union number);
} numbers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, struct point);
} work SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct point);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, op_mode_t);
} modes SEC(".maps");

SEC("xdp")
int pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
