// The pre-BTF map form: struct bpf_map_def records in a section named "maps", and a kernel
// version in "version". libbpf 1.0 dropped the struct from its headers, so it is spelled here.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct obj_legacy_map_def {
    unsigned int type;
    unsigned int key_size;
    unsigned int value_size;
    unsigned int max_entries;
    unsigned int map_flags;
};

struct obj_legacy_map_def obj_legacy_hash SEC("maps") = {
    .type = BPF_MAP_TYPE_HASH,
    .key_size = 4,
    .value_size = 8,
    .max_entries = 16,
};

struct obj_legacy_map_def obj_legacy_array SEC("maps") = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = 4,
    .value_size = 4,
    .max_entries = 2,
    .map_flags = 0,
};

SEC("socket")
int obj_legacy_prog(struct __sk_buff *skb)
{
    __u32 key = 0;
    __u64 *v = bpf_map_lookup_elem(&obj_legacy_hash, &key);
    __u32 *w = bpf_map_lookup_elem(&obj_legacy_array, &key);
    return (v ? 1 : 0) + (w ? 1 : 0);
}

char LICENSE[] SEC("license") = "GPL";
__u32 obj_legacy_version SEC("version") = 0x060c00;
