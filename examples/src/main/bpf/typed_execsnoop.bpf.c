// yeet:bpf's full example for bpf4j's typed API: an execsnoop whose ring buffer of
// struct exec_event is decoded by naming the struct, a per-pid exec counter (a hash map typed by
// its __type annotations) and a .rodata filter constant set by name before load.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sys_enter_ctx {
    __u64 common;
    long id;
    unsigned long args[6];
};

struct exec_event {
    __u32 pid;
    __u32 uid;
    char comm[16];
    char filename[128];
};

/* Only uid target_uid is traced; (u32)-1 traces everyone. Set by name before load. */
const volatile __u32 target_uid = (__u32)-1;

/* clang describes in BTF only the types a global, a map or a function signature uses: this
 * pointer is what makes struct exec_event reachable by name from user space. */
const struct exec_event *exec_event_type __attribute__((unused));

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 10240);
    __type(key, __u32);     /* pid */
    __type(value, __u64);   /* execs */
} counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_exec(struct sys_enter_ctx *ctx)
{
    __u32 uid = (__u32)bpf_get_current_uid_gid();
    if (target_uid != (__u32)-1 && uid != target_uid)
        return 0;
    __u32 pid = bpf_get_current_pid_tgid() >> 32;
    __u64 one = 1, *n = bpf_map_lookup_elem(&counts, &pid);
    if (n)
        __sync_fetch_and_add(n, 1);
    else
        bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST);
    struct exec_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 0;
    e->pid = pid;
    e->uid = uid;
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[0]);
    bpf_ringbuf_submit(e, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
