package io.bpf4j.internal.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The {@code union bpf_attr} members of the link commands, declared once as {@link MemoryLayout}s
 * as the kernel's UAPI header lays them out: BPF_LINK_CREATE (its common head and each link
 * kind's member of the union after it), BPF_LINK_UPDATE, BPF_LINK_DETACH, BPF_ITER_CREATE,
 * BPF_RAW_TRACEPOINT_OPEN, BPF_PROG_ATTACH/DETACH and BPF_PROG_QUERY. Offsets are read off the
 * layouts; {@link Links} fills them.
 */
public final class LinkAttr {
    private LinkAttr() {}

    private static MemoryLayout u32(String name) {
        return JAVA_INT.withName(name);
    }

    private static MemoryLayout u64(String name) {
        return JAVA_LONG.withName(name);
    }

    /** BPF_LINK_CREATE's head, common to every link kind. */
    private static MemoryLayout[] createHead() {
        return new MemoryLayout[] {u32("prog_fd"), u32("target_fd"), u32("attach_type"), u32("flags")};
    }

    private static StructLayout create(MemoryLayout member) {
        MemoryLayout[] head = createHead();
        MemoryLayout[] all = java.util.Arrays.copyOf(head, head.length + 1);
        all[head.length] = member;
        return MemoryLayout.structLayout(all);
    }

    /** BPF_LINK_CREATE's union after the head, each kind's member by the UAPI's name. */
    public static final MemoryLayout CREATE_UNION = MemoryLayout.unionLayout(
                    u32("target_btf_id"),
                    MemoryLayout.structLayout(u64("iter_info"), u32("iter_info_len"), MemoryLayout.paddingLayout(4))
                            .withName("iter"),
                    MemoryLayout.structLayout(u64("bpf_cookie")).withName("perf_event"),
                    MemoryLayout.structLayout(u32("flags"), u32("cnt"), u64("syms"), u64("addrs"), u64("cookies"))
                            .withName("kprobe_multi"),
                    MemoryLayout.structLayout(u32("target_btf_id"), MemoryLayout.paddingLayout(4), u64("cookie"))
                            .withName("tracing"),
                    MemoryLayout.structLayout(u32("pf"), u32("hooknum"), u32("priority"), u32("flags"))
                            .withName("netfilter"),
                    MemoryLayout.structLayout(
                                    u32("relative_fd"), MemoryLayout.paddingLayout(4), u64("expected_revision"))
                            .withName("tcx"),
                    MemoryLayout.structLayout(
                                    u64("path"),
                                    u64("offsets"),
                                    u64("ref_ctr_offsets"),
                                    u64("cookies"),
                                    u32("cnt"),
                                    u32("flags"),
                                    u32("pid"),
                                    MemoryLayout.paddingLayout(4))
                            .withName("uprobe_multi"))
            .withName("u");

    /** BPF_LINK_CREATE: the head and the union of every kind's member. */
    public static final StructLayout CREATE = create(CREATE_UNION);

    private static long createOff(String... path) {
        MemoryLayout.PathElement[] p = new MemoryLayout.PathElement[path.length + 1];
        p[0] = groupElement("u");
        for (int i = 0; i < path.length; i++) {
            p[i + 1] = groupElement(path[i]);
        }
        return CREATE.byteOffset(p);
    }

    public static final long CREATE_PROG_FD = CREATE.byteOffset(groupElement("prog_fd"));
    public static final long CREATE_TARGET_FD = CREATE.byteOffset(groupElement("target_fd"));
    public static final long CREATE_ATTACH_TYPE = CREATE.byteOffset(groupElement("attach_type"));
    public static final long CREATE_FLAGS = CREATE.byteOffset(groupElement("flags"));
    public static final long CREATE_TARGET_BTF_ID = createOff("target_btf_id");
    public static final long CREATE_PERF_COOKIE = createOff("perf_event", "bpf_cookie");
    public static final long CREATE_KPROBE_MULTI_FLAGS = createOff("kprobe_multi", "flags");
    public static final long CREATE_KPROBE_MULTI_CNT = createOff("kprobe_multi", "cnt");
    public static final long CREATE_KPROBE_MULTI_SYMS = createOff("kprobe_multi", "syms");
    public static final long CREATE_KPROBE_MULTI_ADDRS = createOff("kprobe_multi", "addrs");
    public static final long CREATE_KPROBE_MULTI_COOKIES = createOff("kprobe_multi", "cookies");
    public static final long CREATE_TRACING_COOKIE = createOff("tracing", "cookie");
    public static final long CREATE_NETFILTER_PF = createOff("netfilter", "pf");
    public static final long CREATE_NETFILTER_HOOKNUM = createOff("netfilter", "hooknum");
    public static final long CREATE_NETFILTER_PRIORITY = createOff("netfilter", "priority");
    public static final long CREATE_NETFILTER_FLAGS = createOff("netfilter", "flags");
    public static final long CREATE_TCX_RELATIVE = createOff("tcx", "relative_fd");
    public static final long CREATE_TCX_EXPECTED_REVISION = createOff("tcx", "expected_revision");
    public static final long CREATE_UPROBE_MULTI_PATH = createOff("uprobe_multi", "path");
    public static final long CREATE_UPROBE_MULTI_OFFSETS = createOff("uprobe_multi", "offsets");
    public static final long CREATE_UPROBE_MULTI_REF_CTR_OFFSETS = createOff("uprobe_multi", "ref_ctr_offsets");
    public static final long CREATE_UPROBE_MULTI_COOKIES = createOff("uprobe_multi", "cookies");
    public static final long CREATE_UPROBE_MULTI_CNT = createOff("uprobe_multi", "cnt");
    public static final long CREATE_UPROBE_MULTI_FLAGS = createOff("uprobe_multi", "flags");
    public static final long CREATE_UPROBE_MULTI_PID = createOff("uprobe_multi", "pid");
    public static final int CREATE_SIZE = (int) CREATE.byteSize();

    /** BPF_RAW_TRACEPOINT_OPEN. */
    public static final StructLayout RAW_TP =
            MemoryLayout.structLayout(u64("name"), u32("prog_fd"), MemoryLayout.paddingLayout(4), u64("cookie"));

    public static final long RAW_TP_NAME = RAW_TP.byteOffset(groupElement("name"));
    public static final long RAW_TP_PROG_FD = RAW_TP.byteOffset(groupElement("prog_fd"));
    public static final long RAW_TP_COOKIE = RAW_TP.byteOffset(groupElement("cookie"));
    public static final int RAW_TP_SIZE = (int) RAW_TP.byteSize();

    /** BPF_LINK_DETACH and BPF_ITER_CREATE: the link fd first. */
    public static final StructLayout LINK_FD = MemoryLayout.structLayout(u32("link_fd"), u32("flags"));

    public static final long LINK_FD_LINK_FD = LINK_FD.byteOffset(groupElement("link_fd"));
    public static final int LINK_FD_SIZE = (int) LINK_FD.byteSize();

    /** BPF_LINK_UPDATE. */
    public static final StructLayout UPDATE =
            MemoryLayout.structLayout(u32("link_fd"), u32("new_prog_fd"), u32("flags"), u32("old_prog_fd"));

    public static final long UPDATE_LINK_FD = UPDATE.byteOffset(groupElement("link_fd"));
    public static final long UPDATE_NEW_PROG_FD = UPDATE.byteOffset(groupElement("new_prog_fd"));
    public static final long UPDATE_FLAGS = UPDATE.byteOffset(groupElement("flags"));
    public static final long UPDATE_OLD_PROG_FD = UPDATE.byteOffset(groupElement("old_prog_fd"));
    public static final int UPDATE_SIZE = (int) UPDATE.byteSize();

    /** BPF_PROG_ATTACH / BPF_PROG_DETACH (the pre-link cgroup, sockmap, lirc, flow dissector attach). */
    public static final StructLayout PROG_ATTACH = MemoryLayout.structLayout(
            u32("target_fd"),
            u32("attach_bpf_fd"),
            u32("attach_type"),
            u32("attach_flags"),
            u32("replace_bpf_fd"),
            u32("relative_fd"),
            u64("expected_revision"));

    public static final long PROG_ATTACH_TARGET_FD = PROG_ATTACH.byteOffset(groupElement("target_fd"));
    public static final long PROG_ATTACH_BPF_FD = PROG_ATTACH.byteOffset(groupElement("attach_bpf_fd"));
    public static final long PROG_ATTACH_TYPE = PROG_ATTACH.byteOffset(groupElement("attach_type"));
    public static final long PROG_ATTACH_FLAGS = PROG_ATTACH.byteOffset(groupElement("attach_flags"));
    public static final long PROG_ATTACH_REPLACE_FD = PROG_ATTACH.byteOffset(groupElement("replace_bpf_fd"));
    public static final int PROG_ATTACH_SIZE = (int) PROG_ATTACH.byteSize();

    /** BPF_PROG_QUERY. */
    public static final StructLayout QUERY = MemoryLayout.structLayout(
            u32("target_fd"),
            u32("attach_type"),
            u32("query_flags"),
            u32("attach_flags"),
            u64("prog_ids"),
            u32("count"),
            MemoryLayout.paddingLayout(4),
            u64("prog_attach_flags"),
            u64("link_ids"),
            u64("link_attach_flags"),
            u64("revision"));

    public static final long QUERY_TARGET = QUERY.byteOffset(groupElement("target_fd"));
    public static final long QUERY_ATTACH_TYPE = QUERY.byteOffset(groupElement("attach_type"));
    public static final long QUERY_FLAGS = QUERY.byteOffset(groupElement("query_flags"));
    public static final long QUERY_ATTACH_FLAGS = QUERY.byteOffset(groupElement("attach_flags"));
    public static final long QUERY_PROG_IDS = QUERY.byteOffset(groupElement("prog_ids"));
    public static final long QUERY_COUNT = QUERY.byteOffset(groupElement("count"));
    public static final long QUERY_REVISION = QUERY.byteOffset(groupElement("revision"));
    public static final int QUERY_SIZE = (int) QUERY.byteSize();

    /** The head of struct bpf_link_info; each kind's union follows, 8-aligned. */
    public static final StructLayout INFO_HEAD =
            MemoryLayout.structLayout(u32("type"), u32("id"), u32("prog_id"), MemoryLayout.paddingLayout(4));

    public static final long INFO_TYPE = INFO_HEAD.byteOffset(groupElement("type"));
    public static final long INFO_ID = INFO_HEAD.byteOffset(groupElement("id"));
    public static final long INFO_PROG_ID = INFO_HEAD.byteOffset(groupElement("prog_id"));
    /** Room for the head and every kind's union member. */
    public static final int INFO_SIZE = 128;
}
