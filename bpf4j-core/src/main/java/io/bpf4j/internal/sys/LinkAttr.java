package io.bpf4j.internal.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/** bpf_attr members of the link commands: BPF_LINK_CREATE (base and perf_event), BPF_RAW_TRACEPOINT_OPEN, BPF_LINK_DETACH, BPF_ITER_CREATE. */
public final class LinkAttr {
    private LinkAttr() {
    }

    /** BPF_LINK_CREATE with the perf_event member of its union (bpf_cookie). */
    public static final StructLayout CREATE = MemoryLayout.structLayout(
            JAVA_INT.withName("prog_fd"), JAVA_INT.withName("target_fd"), JAVA_INT.withName("attach_type"),
            JAVA_INT.withName("flags"), JAVA_LONG.withName("bpf_cookie"), MemoryLayout.paddingLayout(40));
    public static final long CREATE_PROG_FD = CREATE.byteOffset(groupElement("prog_fd"));
    public static final long CREATE_TARGET_FD = CREATE.byteOffset(groupElement("target_fd"));
    public static final long CREATE_ATTACH_TYPE = CREATE.byteOffset(groupElement("attach_type"));
    public static final long CREATE_FLAGS = CREATE.byteOffset(groupElement("flags"));
    public static final long CREATE_PERF_COOKIE = CREATE.byteOffset(groupElement("bpf_cookie"));
    public static final int CREATE_SIZE = (int) CREATE.byteSize();

    /** BPF_RAW_TRACEPOINT_OPEN. */
    public static final StructLayout RAW_TP = MemoryLayout.structLayout(
            JAVA_LONG.withName("name"), JAVA_INT.withName("prog_fd"), MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("cookie"));
    public static final long RAW_TP_NAME = RAW_TP.byteOffset(groupElement("name"));
    public static final long RAW_TP_PROG_FD = RAW_TP.byteOffset(groupElement("prog_fd"));
    public static final int RAW_TP_SIZE = (int) RAW_TP.byteSize();

    /** BPF_LINK_DETACH and BPF_ITER_CREATE: the link fd first. */
    public static final StructLayout LINK_FD = MemoryLayout.structLayout(JAVA_INT.withName("link_fd"),
            JAVA_INT.withName("flags"));
    public static final int LINK_FD_SIZE = (int) LINK_FD.byteSize();
}
