package io.bpf4j.internal.sys;

/**
 * Offsets of the bpf_attr members for links and attachments (from libbpf's linux/bpf.h, which is
 * newer than the 6.1 UAPI headers on these machines). Kept apart from {@link Attr} so link work
 * does not collide with the rest of the layer.
 */
public final class LinkAttr {
    private LinkAttr() {
    }

    /** BPF_LINK_CREATE: prog_fd, target, attach_type, flags, then a per-kind union at 16. */
    public static final class LinkCreate {
        public static final long PROG_FD = 0;
        public static final long TARGET_FD = 4; // also target_ifindex
        public static final long ATTACH_TYPE = 8;
        public static final long FLAGS = 12;
        public static final long TARGET_BTF_ID = 16;
        public static final long ITER_INFO = 16;
        public static final long ITER_INFO_LEN = 24;
        public static final long PERF_EVENT_BPF_COOKIE = 16;
        public static final long KPROBE_MULTI_FLAGS = 16;
        public static final long KPROBE_MULTI_CNT = 20;
        public static final long KPROBE_MULTI_SYMS = 24;
        public static final long KPROBE_MULTI_ADDRS = 32;
        public static final long KPROBE_MULTI_COOKIES = 40;
        public static final long TRACING_COOKIE = 24;
        public static final long TCX_RELATIVE_FD = 16; // also relative_id
        public static final long TCX_EXPECTED_REVISION = 24;
        public static final long UPROBE_MULTI_PATH = 16;
        public static final long UPROBE_MULTI_OFFSETS = 24;
        public static final long UPROBE_MULTI_REF_CTR_OFFSETS = 32;
        public static final long UPROBE_MULTI_COOKIES = 40;
        public static final long UPROBE_MULTI_CNT = 48;
        public static final long UPROBE_MULTI_FLAGS = 52;
        public static final long UPROBE_MULTI_PID = 56;
        public static final int SIZE = 64;
    }

    /** BPF_RAW_TRACEPOINT_OPEN. */
    public static final class RawTracepointOpen {
        public static final long NAME = 0;
        public static final long PROG_FD = 8;
        public static final long COOKIE = 16;
        public static final int SIZE = 24;
    }

    /** BPF_PROG_ATTACH / BPF_PROG_DETACH. */
    public static final class ProgAttach {
        public static final long TARGET_FD = 0;
        public static final long ATTACH_BPF_FD = 4;
        public static final long ATTACH_TYPE = 8;
        public static final long ATTACH_FLAGS = 12;
        public static final long REPLACE_BPF_FD = 16;
        public static final long RELATIVE_FD = 20;
        public static final long EXPECTED_REVISION = 24;
        public static final int SIZE = 32;
    }

    /** BPF_PROG_QUERY. */
    public static final class ProgQuery {
        public static final long TARGET_FD = 0;
        public static final long ATTACH_TYPE = 4;
        public static final long QUERY_FLAGS = 8;
        public static final long ATTACH_FLAGS = 12;
        public static final long PROG_IDS = 16;
        public static final long COUNT = 24;
        public static final long PROG_ATTACH_FLAGS = 32;
        public static final long LINK_IDS = 40;
        public static final long LINK_ATTACH_FLAGS = 48;
        public static final long REVISION = 56;
        public static final int SIZE = 64;
    }

    /** BPF_ITER_CREATE. */
    public static final class IterCreate {
        public static final long LINK_FD = 0;
        public static final long FLAGS = 4;
        public static final int SIZE = 8;
    }

    /** BPF_LINK_UPDATE. */
    public static final class LinkUpdate {
        public static final long LINK_FD = 0;
        public static final long NEW_PROG_FD = 4;
        public static final long FLAGS = 8;
        public static final long OLD_PROG_FD = 12;
        public static final int SIZE = 16;
    }

    /** BPF_LINK_DETACH. */
    public static final class LinkDetach {
        public static final long LINK_FD = 0;
        public static final int SIZE = 4;
    }

    /** The head of struct bpf_link_info (type, id, prog_id); the per-kind union starts at 16. */
    public static final class LinkInfo {
        public static final long TYPE = 0;
        public static final long ID = 4;
        public static final long PROG_ID = 8;
        public static final long UNION = 16;
        /** Room for every kind's union member. */
        public static final int SIZE = 128;
    }
}
