#include "common.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct counter);
} counters SEC(".maps");

SEC("socket")
int count(struct __sk_buff *skb)
{
    __u32 key = 0;
    struct counter *c = bpf_map_lookup_elem(&counters, &key);
    if (c) {
        __sync_fetch_and_add(&c->packets, 1);
        __sync_fetch_and_add(&c->bytes, skb->len);
    }
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
