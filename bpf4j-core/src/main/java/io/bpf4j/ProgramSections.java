package io.bpf4j;

import java.util.List;
import java.util.Optional;

/**
 * libbpf's table of ELF section names: what program type, expected attach type and flags a
 * {@code SEC("...")} means, and which part of the name is the attach target. Matching follows
 * libbpf's {@code sec_def_matches}: a name ending in {@code +} matches itself or itself followed
 * by {@code /target}; any other name matches exactly. The first matching row wins, in libbpf's
 * order (so {@code uprobe.s} is tried before {@code uprobe}).
 *
 * <pre>{@code
 * ProgramSections.match("tracepoint/syscalls/sys_enter_execve")
 *         .map(ProgramSections.Match::target);   // "syscalls/sys_enter_execve"
 * }</pre>
 */
public final class ProgramSections {
    /**
     * One row of the table.
     *
     * @param name the section name or prefix ({@code +}: takes a target)
     * @param type the program type
     * @param attachType the expected attach type, when the section implies one
     * @param flags program flags the section implies (sleepable, XDP frags)
     * @param attachBtf whether the target is a kernel BTF name resolved at load (fentry, tp_btf, lsm, iter)
     */
    public record Def(String name, ProgramType type, Optional<AttachType> attachType, int flags, boolean attachBtf) {}

    /** A section name matched against the table: the row and the attach target ("" when none). */
    public record Match(Def def, String target) {}

    private static Def def(String name, ProgramType type, AttachType attach, int flags, boolean btf) {
        return new Def(name, type, Optional.ofNullable(attach), flags, btf);
    }

    private static final List<Def> DEFS = List.of(
            def("socket", ProgramType.SOCKET_FILTER, null, 0, false),
            def("sk_reuseport/migrate", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE, 0, false),
            def("sk_reuseport", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT, 0, false),
            def("kprobe+", ProgramType.KPROBE, null, 0, false),
            def("uprobe+", ProgramType.KPROBE, null, 0, false),
            def("uprobe.s+", ProgramType.KPROBE, null, ProgramFlags.SLEEPABLE, false),
            def("kretprobe+", ProgramType.KPROBE, null, 0, false),
            def("uretprobe+", ProgramType.KPROBE, null, 0, false),
            def("uretprobe.s+", ProgramType.KPROBE, null, ProgramFlags.SLEEPABLE, false),
            def("kprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, 0, false),
            def("kretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, 0, false),
            def("kprobe.session+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_SESSION, 0, false),
            def("uprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, 0, false),
            def("uretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, 0, false),
            def("uprobe.session+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_SESSION, 0, false),
            def("uprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, ProgramFlags.SLEEPABLE, false),
            def("uretprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, ProgramFlags.SLEEPABLE, false),
            def(
                    "uprobe.session.s+",
                    ProgramType.KPROBE,
                    AttachType.TRACE_UPROBE_SESSION,
                    ProgramFlags.SLEEPABLE,
                    false),
            def("ksyscall+", ProgramType.KPROBE, null, 0, false),
            def("kretsyscall+", ProgramType.KPROBE, null, 0, false),
            def("usdt+", ProgramType.KPROBE, null, 0, false),
            def("usdt.s+", ProgramType.KPROBE, null, ProgramFlags.SLEEPABLE, false),
            def("tc/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, 0, false),
            def("tc/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS, 0, false),
            def("tcx/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, 0, false),
            def("tcx/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS, 0, false),
            def("tc", ProgramType.SCHED_CLS, null, 0, false),
            def("classifier", ProgramType.SCHED_CLS, null, 0, false),
            def("action", ProgramType.SCHED_ACT, null, 0, false),
            def("netkit/primary", ProgramType.SCHED_CLS, AttachType.NETKIT_PRIMARY, 0, false),
            def("netkit/peer", ProgramType.SCHED_CLS, AttachType.NETKIT_PEER, 0, false),
            def("tracepoint+", ProgramType.TRACEPOINT, null, 0, false),
            def("tp+", ProgramType.TRACEPOINT, null, 0, false),
            def("tracepoint.s+", ProgramType.TRACEPOINT, null, ProgramFlags.SLEEPABLE, false),
            def("tp.s+", ProgramType.TRACEPOINT, null, ProgramFlags.SLEEPABLE, false),
            def("raw_tracepoint+", ProgramType.RAW_TRACEPOINT, null, 0, false),
            def("raw_tp+", ProgramType.RAW_TRACEPOINT, null, 0, false),
            def("raw_tracepoint.s+", ProgramType.RAW_TRACEPOINT, null, ProgramFlags.SLEEPABLE, false),
            def("raw_tp.s+", ProgramType.RAW_TRACEPOINT, null, ProgramFlags.SLEEPABLE, false),
            def("raw_tracepoint.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, null, 0, false),
            def("raw_tp.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, null, 0, false),
            def("tp_btf+", ProgramType.TRACING, AttachType.TRACE_RAW_TP, 0, true),
            def("tp_btf.s+", ProgramType.TRACING, AttachType.TRACE_RAW_TP, ProgramFlags.SLEEPABLE, true),
            def("fentry+", ProgramType.TRACING, AttachType.TRACE_FENTRY, 0, true),
            def("fmod_ret+", ProgramType.TRACING, AttachType.MODIFY_RETURN, 0, true),
            def("fexit+", ProgramType.TRACING, AttachType.TRACE_FEXIT, 0, true),
            def("fentry.s+", ProgramType.TRACING, AttachType.TRACE_FENTRY, ProgramFlags.SLEEPABLE, true),
            def("fmod_ret.s+", ProgramType.TRACING, AttachType.MODIFY_RETURN, ProgramFlags.SLEEPABLE, true),
            def("fexit.s+", ProgramType.TRACING, AttachType.TRACE_FEXIT, ProgramFlags.SLEEPABLE, true),
            def("fsession+", ProgramType.TRACING, AttachType.TRACE_FSESSION, 0, true),
            def("fsession.s+", ProgramType.TRACING, AttachType.TRACE_FSESSION, ProgramFlags.SLEEPABLE, true),
            def("fsession.multi+", ProgramType.TRACING, AttachType.TRACE_FSESSION_MULTI, 0, false),
            def(
                    "fsession.multi.s+",
                    ProgramType.TRACING,
                    AttachType.TRACE_FSESSION_MULTI,
                    ProgramFlags.SLEEPABLE,
                    false),
            def("fentry.multi+", ProgramType.TRACING, AttachType.TRACE_FENTRY_MULTI, 0, false),
            def("fexit.multi+", ProgramType.TRACING, AttachType.TRACE_FEXIT_MULTI, 0, false),
            def("fentry.multi.s+", ProgramType.TRACING, AttachType.TRACE_FENTRY_MULTI, ProgramFlags.SLEEPABLE, false),
            def("fexit.multi.s+", ProgramType.TRACING, AttachType.TRACE_FEXIT_MULTI, ProgramFlags.SLEEPABLE, false),
            def("freplace+", ProgramType.EXT, null, 0, true),
            def("lsm+", ProgramType.LSM, AttachType.LSM_MAC, 0, true),
            def("lsm.s+", ProgramType.LSM, AttachType.LSM_MAC, ProgramFlags.SLEEPABLE, true),
            def("lsm_cgroup+", ProgramType.LSM, AttachType.LSM_CGROUP, 0, true),
            def("iter+", ProgramType.TRACING, AttachType.TRACE_ITER, 0, true),
            def("iter.s+", ProgramType.TRACING, AttachType.TRACE_ITER, ProgramFlags.SLEEPABLE, true),
            def("syscall", ProgramType.SYSCALL, null, ProgramFlags.SLEEPABLE, false),
            def("xdp.frags/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, ProgramFlags.XDP_HAS_FRAGS, false),
            def("xdp/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, 0, false),
            def("xdp.frags/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, ProgramFlags.XDP_HAS_FRAGS, false),
            def("xdp/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, 0, false),
            def("xdp.frags", ProgramType.XDP, AttachType.XDP, ProgramFlags.XDP_HAS_FRAGS, false),
            def("xdp", ProgramType.XDP, AttachType.XDP, 0, false),
            def("perf_event", ProgramType.PERF_EVENT, null, 0, false),
            def("lwt_in", ProgramType.LWT_IN, null, 0, false),
            def("lwt_out", ProgramType.LWT_OUT, null, 0, false),
            def("lwt_xmit", ProgramType.LWT_XMIT, null, 0, false),
            def("lwt_seg6local", ProgramType.LWT_SEG6LOCAL, null, 0, false),
            def("sockops", ProgramType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS, 0, false),
            def("sk_skb/stream_parser", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_PARSER, 0, false),
            def("sk_skb/stream_verdict", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT, 0, false),
            def("sk_skb/verdict", ProgramType.SK_SKB, AttachType.SK_SKB_VERDICT, 0, false),
            def("sk_skb", ProgramType.SK_SKB, null, 0, false),
            def("sk_msg", ProgramType.SK_MSG, AttachType.SK_MSG_VERDICT, 0, false),
            def("lirc_mode2", ProgramType.LIRC_MODE2, AttachType.LIRC_MODE2, 0, false),
            def("flow_dissector", ProgramType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR, 0, false),
            def("cgroup_skb/ingress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, 0, false),
            def("cgroup_skb/egress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, 0, false),
            def("cgroup/skb", ProgramType.CGROUP_SKB, null, 0, false),
            def("cgroup/sock_create", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, 0, false),
            def("cgroup/sock_release", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_RELEASE, 0, false),
            def("cgroup/sock", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, 0, false),
            def("cgroup/post_bind4", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND, 0, false),
            def("cgroup/post_bind6", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND, 0, false),
            def("cgroup/bind4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_BIND, 0, false),
            def("cgroup/bind6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_BIND, 0, false),
            def("cgroup/connect4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_CONNECT, 0, false),
            def("cgroup/connect6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_CONNECT, 0, false),
            def("cgroup/connect_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_CONNECT, 0, false),
            def("cgroup/sendmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_SENDMSG, 0, false),
            def("cgroup/sendmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_SENDMSG, 0, false),
            def("cgroup/sendmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_SENDMSG, 0, false),
            def("cgroup/recvmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_RECVMSG, 0, false),
            def("cgroup/recvmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_RECVMSG, 0, false),
            def("cgroup/recvmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_RECVMSG, 0, false),
            def("cgroup/getpeername4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETPEERNAME, 0, false),
            def("cgroup/getpeername6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETPEERNAME, 0, false),
            def("cgroup/getpeername_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETPEERNAME, 0, false),
            def("cgroup/getsockname4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETSOCKNAME, 0, false),
            def("cgroup/getsockname6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETSOCKNAME, 0, false),
            def("cgroup/getsockname_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETSOCKNAME, 0, false),
            def("cgroup/sysctl", ProgramType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL, 0, false),
            def("cgroup/getsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_GETSOCKOPT, 0, false),
            def("cgroup/setsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_SETSOCKOPT, 0, false),
            def("cgroup/dev", ProgramType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE, 0, false),
            def("struct_ops+", ProgramType.STRUCT_OPS, null, 0, false),
            def("struct_ops.s+", ProgramType.STRUCT_OPS, null, ProgramFlags.SLEEPABLE, false),
            def("sk_lookup", ProgramType.SK_LOOKUP, AttachType.SK_LOOKUP, 0, false),
            def("netfilter", ProgramType.NETFILTER, AttachType.NETFILTER, 0, false));

    private ProgramSections() {}

    /** Every row, in libbpf's order. */
    public static List<Def> all() {
        return DEFS;
    }

    /** The row a section name matches, with the target after the prefix, if any row matches. */
    public static Optional<Match> match(String section) {
        for (Def d : DEFS) {
            String n = d.name();
            if (n.endsWith("+")) {
                String p = n.substring(0, n.length() - 1);
                if (section.equals(p)) {
                    return Optional.of(new Match(d, ""));
                }
                if (section.startsWith(p + "/")) {
                    return Optional.of(new Match(d, section.substring(p.length() + 1)));
                }
            } else if (section.equals(n)) {
                return Optional.of(new Match(d, ""));
            }
        }
        return Optional.empty();
    }

    /**
     * A program spec for function {@code name} of {@code section}, typed by the table.
     *
     * @throws ObjectFormatException when no row matches the section name
     */
    static ProgramSpec spec(String name, String section, String license, String file) {
        Match m = match(section)
                .orElseThrow(() -> new ObjectFormatException(file + ": program " + name + " is in section \"" + section
                        + "\", which names no program type libbpf knows"));
        ProgramSpec.Builder b = ProgramSpec.builder(name, m.def().type())
                .sectionName(section)
                .license(license)
                .attachTo(m.target())
                .flags(m.def().flags());
        m.def().attachType().ifPresent(b::attachType);
        return b.build();
    }
}
