// Every map definition form and every global data section the object reader knows, in one object.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct obj_value { __u64 packets; __u32 flags; };

/* BTF map with key and value types. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 128);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, __u32);
    __type(value, struct obj_value);
} obj_typed SEC(".maps");

/* BTF map with key and value sizes only, pinned by name, on NUMA node 0. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __uint(key_size, 4);
    __uint(value_size, 24);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
    __uint(numa_node, 0);
    __uint(map_flags, BPF_F_NUMA_NODE);
} obj_sized SEC(".maps");

/* map_extra: a bloom filter's hash count. */
struct {
    __uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
    __uint(max_entries, 64);
    __type(value, __u64);
    __uint(map_extra, 3);
} obj_bloom SEC(".maps");

/* libbpf's newer __ulong form (an anonymous one-value enum), spelled out: this libbpf-dev predates it. */
#define obj_ulong(name, val) enum { name##_obj_value = val } name
struct {
    __uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
    __uint(max_entries, 64);
    __type(value, __u32);
    obj_ulong(map_extra, 5);
} obj_bloom_ulong SEC(".maps");

/* Map-in-map with the inner map's definition in `values`. */
struct obj_inner {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} obj_inner_a SEC(".maps"), obj_inner_b SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 4);
    __type(key, __u32);
    __array(values, struct obj_inner);
} obj_outer SEC(".maps") = {
    .values = { [0] = &obj_inner_a, [2] = &obj_inner_b },
};

/* Program array with initial values. */
int obj_tail_a(struct xdp_md *ctx);
int obj_tail_b(struct xdp_md *ctx);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 3);
    __uint(key_size, sizeof(__u32));
    __array(values, int (void *));
} obj_jumps SEC(".maps") = {
    .values = { [1] = (void *)&obj_tail_a, [2] = (void *)&obj_tail_b },
};

/* Globals in every section form. */
int obj_data = 5;
const volatile __u32 obj_rodata = 7;
__u64 obj_bss;
int obj_custom_data SEC(".data.custom") = 9;
const volatile int obj_custom_rodata SEC(".rodata.custom") = 11;
extern unsigned int LINUX_KERNEL_VERSION __kconfig;

SEC("xdp")
int obj_tail_a(struct xdp_md *ctx)
{
    return XDP_PASS;
}

SEC("xdp")
int obj_tail_b(struct xdp_md *ctx)
{
    return XDP_DROP;
}

SEC("xdp")
int obj_entry(struct xdp_md *ctx)
{
    __u32 key = 0;
    struct obj_value *v = bpf_map_lookup_elem(&obj_typed, &key);
    void *inner = bpf_map_lookup_elem(&obj_outer, &key);
    if (v)
        v->packets += obj_data + obj_rodata + obj_custom_data + obj_custom_rodata + LINUX_KERNEL_VERSION;
    if (inner)
        obj_bss++;
    bpf_map_lookup_elem(&obj_sized, &key);
    bpf_map_push_elem(&obj_bloom, &obj_bss, 0);
    bpf_map_push_elem(&obj_bloom_ulong, &key, 0);
    bpf_tail_call(ctx, &obj_jumps, 1);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
