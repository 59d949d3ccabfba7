// BTF-targeted programs for Tracing links: tp_btf (loads and attaches on this kernel) and
// fentry/fexit/lsm (the kernel refuses to load these here with EPERM).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

const volatile __u32 target_tid = 0;

static void bump(__u32 slot)
{
    if ((__u32)bpf_get_current_pid_tgid() != target_tid)
        return;
    __u64 *v = bpf_map_lookup_elem(&counts, &slot);
    if (v)
        __sync_fetch_and_add(v, 1);
}

SEC("tp_btf/sys_enter")
int on_sys_enter(__u64 *ctx)
{
    // ctx[1] is the system call number; 110 is getppid on x86_64.
    if (ctx[1] == 110)
        bump(0);
    return 0;
}

SEC("fentry/do_unlinkat")
int on_unlink_entry(__u64 *ctx)
{
    bump(1);
    return 0;
}

SEC("fexit/do_unlinkat")
int on_unlink_exit(__u64 *ctx)
{
    bump(2);
    return 0;
}

SEC("lsm/file_open")
int on_file_open(__u64 *ctx)
{
    bump(3);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
