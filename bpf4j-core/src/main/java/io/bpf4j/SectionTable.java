package io.bpf4j;

import java.util.List;
import java.util.Optional;

/**
 * Program type, expected attach type, attach target and flags from an ELF section name, following
 * libbpf's section-name conventions: exact names ({@code "xdp"}), names that may carry a target
 * after a slash ({@code "uprobe"} or {@code "uprobe/libc.so.6:getpid"}), and names that must
 * ({@code "tracepoint/syscalls/sys_enter_execve"}); a {@code .s} suffix marks a sleepable variant.
 */
final class SectionTable {
    private SectionTable() {
    }

    /** How a name matches: exactly, exactly or followed by "/...", or only followed by "/target". */
    private enum Match { EXACT, OPTIONAL_TARGET, TARGET }

    private record Def(String name, Match match, ProgramType type, AttachType attach, int flags, boolean targetIsAttachTo) {
    }

    private static Def exact(String name, ProgramType t, AttachType a) {
        return new Def(name, Match.EXACT, t, a, 0, false);
    }

    private static Def exact(String name, ProgramType t, AttachType a, int flags) {
        return new Def(name, Match.EXACT, t, a, flags, false);
    }

    private static Def plus(String name, ProgramType t, AttachType a, int flags) {
        return new Def(name, Match.OPTIONAL_TARGET, t, a, flags, false);
    }

    private static Def target(String name, ProgramType t, AttachType a, int flags) {
        return new Def(name, Match.TARGET, t, a, flags, true);
    }

    private static final int S = ProgramFlags.SLEEPABLE;
    private static final int FRAGS = ProgramFlags.XDP_HAS_FRAGS;

    // Order matters only where one name is a prefix of another with the same match mode.
    private static final List<Def> DEFS = List.of(
            exact("socket", ProgramType.SOCKET_FILTER, null),
            exact("sk_reuseport/migrate", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE),
            exact("sk_reuseport", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT),
            target("kprobe", ProgramType.KPROBE, null, 0),
            plus("uprobe", ProgramType.KPROBE, null, 0),
            plus("uprobe.s", ProgramType.KPROBE, null, S),
            target("kretprobe", ProgramType.KPROBE, null, 0),
            plus("uretprobe", ProgramType.KPROBE, null, 0),
            plus("uretprobe.s", ProgramType.KPROBE, null, S),
            plus("kprobe.multi", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, 0),
            plus("kretprobe.multi", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, 0),
            plus("kprobe.session", ProgramType.KPROBE, AttachType.TRACE_KPROBE_SESSION, 0),
            plus("uprobe.multi", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, 0),
            plus("uretprobe.multi", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, 0),
            plus("uprobe.multi.s", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, S),
            plus("uretprobe.multi.s", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, S),
            plus("uprobe.session", ProgramType.KPROBE, AttachType.TRACE_UPROBE_SESSION, 0),
            plus("uprobe.session.s", ProgramType.KPROBE, AttachType.TRACE_UPROBE_SESSION, S),
            target("ksyscall", ProgramType.KPROBE, null, 0),
            target("kretsyscall", ProgramType.KPROBE, null, 0),
            plus("usdt", ProgramType.KPROBE, null, 0),
            plus("usdt.s", ProgramType.KPROBE, null, S),
            exact("tc/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS),
            exact("tc/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS),
            exact("tcx/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS),
            exact("tcx/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS),
            plus("tc", ProgramType.SCHED_CLS, null, 0),
            plus("classifier", ProgramType.SCHED_CLS, null, 0),
            plus("action", ProgramType.SCHED_ACT, null, 0),
            exact("netkit/primary", ProgramType.SCHED_CLS, AttachType.NETKIT_PRIMARY),
            exact("netkit/peer", ProgramType.SCHED_CLS, AttachType.NETKIT_PEER),
            target("tracepoint", ProgramType.TRACEPOINT, null, 0),
            target("tp", ProgramType.TRACEPOINT, null, 0),
            target("raw_tracepoint", ProgramType.RAW_TRACEPOINT, null, 0),
            target("raw_tp", ProgramType.RAW_TRACEPOINT, null, 0),
            target("raw_tracepoint.w", ProgramType.RAW_TRACEPOINT_WRITABLE, null, 0),
            target("raw_tp.w", ProgramType.RAW_TRACEPOINT_WRITABLE, null, 0),
            target("tp_btf", ProgramType.TRACING, AttachType.TRACE_RAW_TP, 0),
            target("fentry", ProgramType.TRACING, AttachType.TRACE_FENTRY, 0),
            target("fmod_ret", ProgramType.TRACING, AttachType.MODIFY_RETURN, 0),
            target("fexit", ProgramType.TRACING, AttachType.TRACE_FEXIT, 0),
            target("fentry.s", ProgramType.TRACING, AttachType.TRACE_FENTRY, S),
            target("fmod_ret.s", ProgramType.TRACING, AttachType.MODIFY_RETURN, S),
            target("fexit.s", ProgramType.TRACING, AttachType.TRACE_FEXIT, S),
            target("freplace", ProgramType.EXT, null, 0),
            target("lsm", ProgramType.LSM, AttachType.LSM_MAC, 0),
            target("lsm.s", ProgramType.LSM, AttachType.LSM_MAC, S),
            target("lsm_cgroup", ProgramType.LSM, AttachType.LSM_CGROUP, 0),
            target("iter", ProgramType.TRACING, AttachType.TRACE_ITER, 0),
            target("iter.s", ProgramType.TRACING, AttachType.TRACE_ITER, S),
            exact("syscall", ProgramType.SYSCALL, null, S),
            exact("xdp.frags/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP),
            exact("xdp/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP),
            exact("xdp.frags/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP),
            exact("xdp/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP),
            exact("xdp.frags", ProgramType.XDP, AttachType.XDP),
            plus("xdp", ProgramType.XDP, AttachType.XDP, 0),
            exact("perf_event", ProgramType.PERF_EVENT, null),
            exact("lwt_in", ProgramType.LWT_IN, null),
            exact("lwt_out", ProgramType.LWT_OUT, null),
            exact("lwt_xmit", ProgramType.LWT_XMIT, null),
            exact("lwt_seg6local", ProgramType.LWT_SEG6LOCAL, null),
            exact("sockops", ProgramType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS),
            exact("sk_skb/stream_parser", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_PARSER),
            exact("sk_skb/stream_verdict", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT),
            exact("sk_skb/verdict", ProgramType.SK_SKB, AttachType.SK_SKB_VERDICT),
            plus("sk_skb", ProgramType.SK_SKB, null, 0),
            exact("sk_msg", ProgramType.SK_MSG, AttachType.SK_MSG_VERDICT),
            exact("lirc_mode2", ProgramType.LIRC_MODE2, AttachType.LIRC_MODE2),
            exact("flow_dissector", ProgramType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR),
            exact("cgroup_skb/ingress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS),
            exact("cgroup_skb/egress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS),
            exact("cgroup/skb", ProgramType.CGROUP_SKB, null),
            exact("cgroup/sock_create", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE),
            exact("cgroup/sock_release", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_RELEASE),
            exact("cgroup/sock", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE),
            exact("cgroup/post_bind4", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND),
            exact("cgroup/post_bind6", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND),
            exact("cgroup/bind4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_BIND),
            exact("cgroup/bind6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_BIND),
            exact("cgroup/connect4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_CONNECT),
            exact("cgroup/connect6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_CONNECT),
            exact("cgroup/connect_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_CONNECT),
            exact("cgroup/sendmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_SENDMSG),
            exact("cgroup/sendmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_SENDMSG),
            exact("cgroup/sendmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_SENDMSG),
            exact("cgroup/recvmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_RECVMSG),
            exact("cgroup/recvmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_RECVMSG),
            exact("cgroup/recvmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_RECVMSG),
            exact("cgroup/getpeername4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETPEERNAME),
            exact("cgroup/getpeername6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETPEERNAME),
            exact("cgroup/getpeername_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETPEERNAME),
            exact("cgroup/getsockname4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETSOCKNAME),
            exact("cgroup/getsockname6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETSOCKNAME),
            exact("cgroup/getsockname_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETSOCKNAME),
            exact("cgroup/sysctl", ProgramType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL),
            exact("cgroup/getsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_GETSOCKOPT),
            exact("cgroup/setsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_SETSOCKOPT),
            exact("cgroup/dev", ProgramType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE),
            plus("struct_ops", ProgramType.STRUCT_OPS, null, 0),
            plus("struct_ops.s", ProgramType.STRUCT_OPS, null, S),
            exact("sk_lookup", ProgramType.SK_LOOKUP, AttachType.SK_LOOKUP),
            exact("netfilter", ProgramType.NETFILTER, AttachType.NETFILTER));

    /**
     * The program spec (without instructions) for a function in {@code section}, or empty when
     * libbpf's table has no such section name.
     */
    static Optional<ProgramSpec> spec(String name, String section, String license, int kernelVersion) {
        for (Def d : DEFS) {
            String rest;
            if (section.equals(d.name())) {
                if (d.match() == Match.TARGET) {
                    continue;
                }
                rest = "";
            } else if (section.startsWith(d.name() + "/") && d.match() != Match.EXACT) {
                rest = section.substring(d.name().length() + 1);
            } else {
                continue;
            }
            ProgramSpec.Builder b = ProgramSpec.builder(name, d.type()).sectionName(section).license(license)
                    .kernelVersion(kernelVersion);
            if (d.attach() != null) {
                b.attachType(d.attach());
            }
            if (d.targetIsAttachTo()) {
                b.attachTo(rest);
            }
            int flags = d.flags() | (section.startsWith("xdp.frags") ? FRAGS : 0);
            if (flags != 0) {
                b.flags(flags);
            }
            return Optional.of(b.build());
        }
        return Optional.empty();
    }
}
