package io.bpf4j;

import java.util.Optional;

/**
 * Every attach type of the kernel's {@code enum bpf_attach_type}, with its number (the
 * {@code expected_attach_type} of a program and the {@code attach_type} of a link).
 *
 * <pre>{@code
 * ProgramSpec.builder("ingress", ProgramType.SCHED_CLS).attachType(AttachType.TCX_INGRESS)
 * }</pre>
 */
public enum AttachType {
    /** BPF_CGROUP_INET_INGRESS. */
    CGROUP_INET_INGRESS(0),
    /** BPF_CGROUP_INET_EGRESS. */
    CGROUP_INET_EGRESS(1),
    /** BPF_CGROUP_INET_SOCK_CREATE. */
    CGROUP_INET_SOCK_CREATE(2),
    /** BPF_CGROUP_SOCK_OPS. */
    CGROUP_SOCK_OPS(3),
    /** BPF_SK_SKB_STREAM_PARSER. */
    SK_SKB_STREAM_PARSER(4),
    /** BPF_SK_SKB_STREAM_VERDICT. */
    SK_SKB_STREAM_VERDICT(5),
    /** BPF_CGROUP_DEVICE. */
    CGROUP_DEVICE(6),
    /** BPF_SK_MSG_VERDICT. */
    SK_MSG_VERDICT(7),
    /** BPF_CGROUP_INET4_BIND. */
    CGROUP_INET4_BIND(8),
    /** BPF_CGROUP_INET6_BIND. */
    CGROUP_INET6_BIND(9),
    /** BPF_CGROUP_INET4_CONNECT. */
    CGROUP_INET4_CONNECT(10),
    /** BPF_CGROUP_INET6_CONNECT. */
    CGROUP_INET6_CONNECT(11),
    /** BPF_CGROUP_INET4_POST_BIND. */
    CGROUP_INET4_POST_BIND(12),
    /** BPF_CGROUP_INET6_POST_BIND. */
    CGROUP_INET6_POST_BIND(13),
    /** BPF_CGROUP_UDP4_SENDMSG. */
    CGROUP_UDP4_SENDMSG(14),
    /** BPF_CGROUP_UDP6_SENDMSG. */
    CGROUP_UDP6_SENDMSG(15),
    /** BPF_LIRC_MODE2. */
    LIRC_MODE2(16),
    /** BPF_FLOW_DISSECTOR. */
    FLOW_DISSECTOR(17),
    /** BPF_CGROUP_SYSCTL. */
    CGROUP_SYSCTL(18),
    /** BPF_CGROUP_UDP4_RECVMSG. */
    CGROUP_UDP4_RECVMSG(19),
    /** BPF_CGROUP_UDP6_RECVMSG. */
    CGROUP_UDP6_RECVMSG(20),
    /** BPF_CGROUP_GETSOCKOPT. */
    CGROUP_GETSOCKOPT(21),
    /** BPF_CGROUP_SETSOCKOPT. */
    CGROUP_SETSOCKOPT(22),
    /** BPF_TRACE_RAW_TP. */
    TRACE_RAW_TP(23),
    /** BPF_TRACE_FENTRY. */
    TRACE_FENTRY(24),
    /** BPF_TRACE_FEXIT. */
    TRACE_FEXIT(25),
    /** BPF_MODIFY_RETURN. */
    MODIFY_RETURN(26),
    /** BPF_LSM_MAC. */
    LSM_MAC(27),
    /** BPF_TRACE_ITER. */
    TRACE_ITER(28),
    /** BPF_CGROUP_INET4_GETPEERNAME. */
    CGROUP_INET4_GETPEERNAME(29),
    /** BPF_CGROUP_INET6_GETPEERNAME. */
    CGROUP_INET6_GETPEERNAME(30),
    /** BPF_CGROUP_INET4_GETSOCKNAME. */
    CGROUP_INET4_GETSOCKNAME(31),
    /** BPF_CGROUP_INET6_GETSOCKNAME. */
    CGROUP_INET6_GETSOCKNAME(32),
    /** BPF_XDP_DEVMAP. */
    XDP_DEVMAP(33),
    /** BPF_CGROUP_INET_SOCK_RELEASE. */
    CGROUP_INET_SOCK_RELEASE(34),
    /** BPF_XDP_CPUMAP. */
    XDP_CPUMAP(35),
    /** BPF_SK_LOOKUP. */
    SK_LOOKUP(36),
    /** BPF_XDP. */
    XDP(37),
    /** BPF_SK_SKB_VERDICT. */
    SK_SKB_VERDICT(38),
    /** BPF_SK_REUSEPORT_SELECT. */
    SK_REUSEPORT_SELECT(39),
    /** BPF_SK_REUSEPORT_SELECT_OR_MIGRATE. */
    SK_REUSEPORT_SELECT_OR_MIGRATE(40),
    /** BPF_PERF_EVENT. */
    PERF_EVENT(41),
    /** BPF_TRACE_KPROBE_MULTI. */
    TRACE_KPROBE_MULTI(42),
    /** BPF_LSM_CGROUP. */
    LSM_CGROUP(43),
    /** BPF_STRUCT_OPS. */
    STRUCT_OPS(44),
    /** BPF_NETFILTER. */
    NETFILTER(45),
    /** BPF_TCX_INGRESS. */
    TCX_INGRESS(46),
    /** BPF_TCX_EGRESS. */
    TCX_EGRESS(47),
    /** BPF_TRACE_UPROBE_MULTI. */
    TRACE_UPROBE_MULTI(48),
    /** BPF_CGROUP_UNIX_CONNECT. */
    CGROUP_UNIX_CONNECT(49),
    /** BPF_CGROUP_UNIX_SENDMSG. */
    CGROUP_UNIX_SENDMSG(50),
    /** BPF_CGROUP_UNIX_RECVMSG. */
    CGROUP_UNIX_RECVMSG(51),
    /** BPF_CGROUP_UNIX_GETPEERNAME. */
    CGROUP_UNIX_GETPEERNAME(52),
    /** BPF_CGROUP_UNIX_GETSOCKNAME. */
    CGROUP_UNIX_GETSOCKNAME(53),
    /** BPF_NETKIT_PRIMARY. */
    NETKIT_PRIMARY(54),
    /** BPF_NETKIT_PEER. */
    NETKIT_PEER(55),
    /** BPF_TRACE_KPROBE_SESSION. */
    TRACE_KPROBE_SESSION(56),
    /** BPF_TRACE_UPROBE_SESSION. */
    TRACE_UPROBE_SESSION(57),
    /** BPF_TRACE_FSESSION. */
    TRACE_FSESSION(58),
    /** BPF_TRACE_FENTRY_MULTI. */
    TRACE_FENTRY_MULTI(59),
    /** BPF_TRACE_FEXIT_MULTI. */
    TRACE_FEXIT_MULTI(60),
    /** BPF_TRACE_FSESSION_MULTI. */
    TRACE_FSESSION_MULTI(61);

    private final int value;

    AttachType(int value) {
        this.value = value;
    }

    /** The kernel's number for this attach type. */
    public int value() {
        return value;
    }

    /** The kernel's name of this attach type, e.g. {@code BPF_TCX_INGRESS} (the enumerator in its BTF). */
    public String kernelName() {
        return "BPF_" + name();
    }

    /** The attach type with this kernel number, if bpf4j knows it. */
    public static Optional<AttachType> of(int value) {
        for (AttachType t : values()) {
            if (t.value == value) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
