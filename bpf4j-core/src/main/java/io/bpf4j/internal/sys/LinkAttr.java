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

    /** BPF_LINK_UPDATE: link_fd, new_prog_fd, flags, old_prog_fd. */
    public static final long UPDATE_LINK_FD = 0;
    public static final long UPDATE_NEW_PROG_FD = 4;
    public static final long UPDATE_FLAGS = 8;
    public static final long UPDATE_OLD_PROG_FD = 12;
    public static final int UPDATE_SIZE = 16;

    /** The head of struct bpf_link_info (type, id, prog_id); each kind's union follows at 16. */
    public static final long INFO_TYPE = 0;
    public static final long INFO_ID = 4;
    public static final long INFO_PROG_ID = 8;
    /** Room for the head and every kind's union member. */
    public static final int INFO_SIZE = 128;

    /** BPF_LINK_CREATE's tcx member: relative_fd/relative_id at 16, expected_revision at 24. */
    public static final long CREATE_TCX_RELATIVE = 16;
    public static final long CREATE_TCX_EXPECTED_REVISION = 24;

    /** BPF_PROG_ATTACH / BPF_PROG_DETACH (the pre-link cgroup, sockmap, lirc, flow dissector attach). */
    public static final long PROG_ATTACH_TARGET_FD = 0;
    public static final long PROG_ATTACH_BPF_FD = 4;
    public static final long PROG_ATTACH_TYPE = 8;
    public static final long PROG_ATTACH_FLAGS = 12;
    public static final long PROG_ATTACH_REPLACE_FD = 16;
    public static final int PROG_ATTACH_SIZE = 32;

    /** BPF_LINK_CREATE's tracing member: target_btf_id at 16 (overlaying the base one), cookie at 24. */
    public static final long CREATE_TARGET_BTF_ID = 16;
    public static final long CREATE_TRACING_COOKIE = 24;

    /** BPF_PROG_QUERY: target fd/ifindex, attach type, flags, prog_ids pointer, count (in/out). */
    public static final long QUERY_TARGET = 0;
    public static final long QUERY_ATTACH_TYPE = 4;
    public static final long QUERY_FLAGS = 8;
    public static final long QUERY_ATTACH_FLAGS = 12;
    public static final long QUERY_PROG_IDS = 16;
    public static final long QUERY_COUNT = 24;
    public static final long QUERY_REVISION = 56;
    public static final int QUERY_SIZE = 64;
}
