#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int broken(void *ctx)
{
    return no_such_variable;
}

char LICENSE[] SEC("license") = "GPL";
