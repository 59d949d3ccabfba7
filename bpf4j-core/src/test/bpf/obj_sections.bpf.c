// One object whose programs span libbpf's section table: each SEC name below must be typed the
// way libbpf types it. Bodies are trivial; this object is read, not loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROG(sec, name) SEC(sec) int name(void *ctx) { return 0; }

PROG("tracepoint/syscalls/sys_enter_openat", s_tracepoint)
PROG("tp/sched/sched_switch", s_tp)
PROG("raw_tracepoint/sched_switch", s_raw_tracepoint)
PROG("raw_tp/sched_switch", s_raw_tp)
PROG("tp_btf/sched_switch", s_tp_btf)
PROG("kprobe/do_unlinkat", s_kprobe)
PROG("kretprobe/do_unlinkat", s_kretprobe)
PROG("ksyscall/openat", s_ksyscall)
PROG("kprobe.multi/do_*", s_kprobe_multi)
PROG("uprobe//bin/bash:readline", s_uprobe)
PROG("uretprobe.s//bin/bash:readline", s_uretprobe_s)
PROG("usdt", s_usdt)
PROG("fentry/do_unlinkat", s_fentry)
PROG("fexit.s/do_unlinkat", s_fexit_s)
PROG("fmod_ret/security_file_open", s_fmod_ret)
PROG("lsm/file_open", s_lsm)
PROG("lsm.s/file_open", s_lsm_s)
PROG("iter/task", s_iter)
PROG("xdp", s_xdp)
PROG("xdp.frags", s_xdp_frags)
PROG("xdp/devmap", s_xdp_devmap)
PROG("tc/ingress", s_tc_ingress)
PROG("tcx/egress", s_tcx_egress)
PROG("classifier", s_classifier)
PROG("cgroup_skb/ingress", s_cgroup_skb)
PROG("cgroup/connect4", s_cgroup_connect4)
PROG("cgroup/sysctl", s_cgroup_sysctl)
PROG("sockops", s_sockops)
PROG("sk_skb/stream_verdict", s_sk_skb)
PROG("sk_msg", s_sk_msg)
PROG("sk_lookup", s_sk_lookup)
PROG("lwt_in", s_lwt_in)
PROG("flow_dissector", s_flow_dissector)
PROG("perf_event", s_perf_event)
PROG("syscall", s_syscall)
PROG("netfilter", s_netfilter)
PROG("socket", s_socket)
PROG("sk_reuseport", s_sk_reuseport)
/* Two programs in one section. */
PROG("kprobe/vfs_read", s_kprobe_read_a)
PROG("kprobe/vfs_read", s_kprobe_read_b)

char LICENSE[] SEC("license") = "GPL";
