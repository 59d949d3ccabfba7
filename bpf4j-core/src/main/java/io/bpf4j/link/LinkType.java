package io.bpf4j.link;

/** The kernel's {@code enum bpf_link_type}, in declaration order (the ordinal is the number). */
public enum LinkType {
    UNSPEC,
    RAW_TRACEPOINT,
    TRACING,
    CGROUP,
    ITER,
    NETNS,
    XDP,
    PERF_EVENT,
    KPROBE_MULTI,
    STRUCT_OPS,
    NETFILTER,
    TCX,
    UPROBE_MULTI,
    NETKIT,
    SOCKMAP,
    /** A number this version of bpf4j does not know. */
    UNKNOWN;

    /** The constant for a kernel number; {@link #UNKNOWN} when newer than bpf4j. */
    public static LinkType of(int number) {
        LinkType[] all = values();
        return number >= 0 && number < all.length - 1 ? all[number] : UNKNOWN;
    }
}
