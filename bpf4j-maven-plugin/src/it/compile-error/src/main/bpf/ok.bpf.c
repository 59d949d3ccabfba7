#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int ok(void *ctx)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
