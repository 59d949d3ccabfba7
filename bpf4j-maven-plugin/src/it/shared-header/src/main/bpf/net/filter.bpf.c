/* In a subdirectory: found as <common.h> through the source directory on the include path. */
#include <common.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, struct counter);
} per_port SEC(".maps");

SEC("socket")
int filter(struct __sk_buff *skb)
{
    return skb->len > 1000 ? 0 : skb->len;
}

char LICENSE[] SEC("license") = "GPL";
