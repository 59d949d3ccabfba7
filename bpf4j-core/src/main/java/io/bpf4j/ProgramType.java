package io.bpf4j;

import java.util.Optional;

/**
 * Every program type of the kernel's {@code enum bpf_prog_type}, with its number.
 *
 * <pre>{@code
 * ProgramSpec spec = ProgramSpec.builder("count", ProgramType.XDP).instructions(insns).build();
 * }</pre>
 */
public enum ProgramType {
    /** BPF_PROG_TYPE_SOCKET_FILTER. */
    SOCKET_FILTER(1),
    /** BPF_PROG_TYPE_KPROBE. */
    KPROBE(2),
    /** BPF_PROG_TYPE_SCHED_CLS. */
    SCHED_CLS(3),
    /** BPF_PROG_TYPE_SCHED_ACT. */
    SCHED_ACT(4),
    /** BPF_PROG_TYPE_TRACEPOINT. */
    TRACEPOINT(5),
    /** BPF_PROG_TYPE_XDP. */
    XDP(6),
    /** BPF_PROG_TYPE_PERF_EVENT. */
    PERF_EVENT(7),
    /** BPF_PROG_TYPE_CGROUP_SKB. */
    CGROUP_SKB(8),
    /** BPF_PROG_TYPE_CGROUP_SOCK. */
    CGROUP_SOCK(9),
    /** BPF_PROG_TYPE_LWT_IN. */
    LWT_IN(10),
    /** BPF_PROG_TYPE_LWT_OUT. */
    LWT_OUT(11),
    /** BPF_PROG_TYPE_LWT_XMIT. */
    LWT_XMIT(12),
    /** BPF_PROG_TYPE_SOCK_OPS. */
    SOCK_OPS(13),
    /** BPF_PROG_TYPE_SK_SKB. */
    SK_SKB(14),
    /** BPF_PROG_TYPE_CGROUP_DEVICE. */
    CGROUP_DEVICE(15),
    /** BPF_PROG_TYPE_SK_MSG. */
    SK_MSG(16),
    /** BPF_PROG_TYPE_RAW_TRACEPOINT. */
    RAW_TRACEPOINT(17),
    /** BPF_PROG_TYPE_CGROUP_SOCK_ADDR. */
    CGROUP_SOCK_ADDR(18),
    /** BPF_PROG_TYPE_LWT_SEG6LOCAL. */
    LWT_SEG6LOCAL(19),
    /** BPF_PROG_TYPE_LIRC_MODE2. */
    LIRC_MODE2(20),
    /** BPF_PROG_TYPE_SK_REUSEPORT. */
    SK_REUSEPORT(21),
    /** BPF_PROG_TYPE_FLOW_DISSECTOR. */
    FLOW_DISSECTOR(22),
    /** BPF_PROG_TYPE_CGROUP_SYSCTL. */
    CGROUP_SYSCTL(23),
    /** BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE. */
    RAW_TRACEPOINT_WRITABLE(24),
    /** BPF_PROG_TYPE_CGROUP_SOCKOPT. */
    CGROUP_SOCKOPT(25),
    /** BPF_PROG_TYPE_TRACING. */
    TRACING(26),
    /** BPF_PROG_TYPE_STRUCT_OPS. */
    STRUCT_OPS(27),
    /** BPF_PROG_TYPE_EXT. */
    EXT(28),
    /** BPF_PROG_TYPE_LSM. */
    LSM(29),
    /** BPF_PROG_TYPE_SK_LOOKUP. */
    SK_LOOKUP(30),
    /** BPF_PROG_TYPE_SYSCALL. */
    SYSCALL(31),
    /** BPF_PROG_TYPE_NETFILTER. */
    NETFILTER(32);

    private final int value;

    ProgramType(int value) {
        this.value = value;
    }

    /** The kernel's number for this program type. */
    public int value() {
        return value;
    }

    /** The program type with this kernel number, if bpf4j knows it. */
    public static Optional<ProgramType> of(int value) {
        for (ProgramType t : values()) {
            if (t.value == value) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
