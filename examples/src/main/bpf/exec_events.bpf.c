// QuickSnoop's program: one record per execve, declared as the ring buffer's record type with
// BPF4J_RECORD so that bpf4j-maven-plugin generates its Java record and a typed reader.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf4j.h"

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

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} events SEC(".maps");
BPF4J_RECORD(events, struct exec_event);

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_exec(struct sys_enter_ctx *ctx)
{
    struct exec_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 0;
    e->pid = bpf_get_current_pid_tgid() >> 32;
    e->uid = (__u32)bpf_get_current_uid_gid();
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[0]);
    bpf_ringbuf_submit(e, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
