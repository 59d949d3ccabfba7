package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * The link commands of bpf(2), one typed function per command and per BPF_LINK_CREATE kind,
 * filling the {@link LinkAttr} layouts. Each returns what the kernel answered: the new fd (or 0)
 * on success, the negated errno on failure; the caller words the error, as it knows what was
 * attached to what.
 */
public final class Links {
    private Links() {}

    private static MemorySegment head(int progFd, int targetFd, int attachType, int flags) {
        MemorySegment attr = Scratch.get().attr(LinkAttr.CREATE_SIZE);
        attr.set(JAVA_INT, LinkAttr.CREATE_PROG_FD, progFd);
        attr.set(JAVA_INT, LinkAttr.CREATE_TARGET_FD, targetFd);
        attr.set(JAVA_INT, LinkAttr.CREATE_ATTACH_TYPE, attachType);
        attr.set(JAVA_INT, LinkAttr.CREATE_FLAGS, flags);
        return attr;
    }

    private static long create(MemorySegment attr) {
        return Bpf.call(BpfCmd.LINK_CREATE, attr, LinkAttr.CREATE_SIZE);
    }

    /** BPF_LINK_CREATE with the head only: XDP, cgroup, iterator, netns, sk_lookup, sockmap links. */
    public static long create(int progFd, int targetFd, int attachType, int flags) {
        return create(head(progFd, targetFd, attachType, flags));
    }

    /** BPF_LINK_CREATE of a TCX or netkit link, placed before/after {@code relative} (fd or id; 0: none). */
    public static long createTcx(
            int progFd, int ifindex, int attachType, int flags, int relative, long expectedRevision) {
        MemorySegment attr = head(progFd, ifindex, attachType, flags);
        attr.set(JAVA_INT, LinkAttr.CREATE_TCX_RELATIVE, relative);
        attr.set(JAVA_LONG, LinkAttr.CREATE_TCX_EXPECTED_REVISION, expectedRevision);
        return create(attr);
    }

    /** BPF_LINK_CREATE of a perf_event link (kprobe, uprobe, tracepoint, perf event) with its BPF cookie. */
    public static long createPerfEvent(int progFd, int perfFd, int attachType, long cookie) {
        MemorySegment attr = head(progFd, perfFd, attachType, 0);
        attr.set(JAVA_LONG, LinkAttr.CREATE_PERF_COOKIE, cookie);
        return create(attr);
    }

    /** BPF_LINK_CREATE of a tracing link (fentry/fexit/fmod_ret/lsm) with its BPF cookie. */
    public static long createTracing(int progFd, int attachType, long cookie) {
        MemorySegment attr = head(progFd, 0, attachType, 0);
        attr.set(JAVA_LONG, LinkAttr.CREATE_TRACING_COOKIE, cookie);
        return create(attr);
    }

    /** BPF_LINK_CREATE of an freplace link: {@code targetBtfId} is the replaced function in {@code targetProgFd}. */
    public static long createExtension(int progFd, int targetProgFd, int attachType, int targetBtfId) {
        MemorySegment attr = head(progFd, targetProgFd, attachType, 0);
        attr.set(JAVA_INT, LinkAttr.CREATE_TARGET_BTF_ID, targetBtfId);
        return create(attr);
    }

    /**
     * BPF_LINK_CREATE of a kprobe.multi link over {@code count} functions given by name
     * ({@code syms}, an array of C string pointers) or by address ({@code addrs}); either may be
     * {@link MemorySegment#NULL}, as may {@code cookies}.
     */
    public static long createKprobeMulti(
            int progFd,
            int attachType,
            int flags,
            int count,
            MemorySegment syms,
            MemorySegment addrs,
            MemorySegment cookies) {
        MemorySegment attr = head(progFd, 0, attachType, 0);
        attr.set(JAVA_INT, LinkAttr.CREATE_KPROBE_MULTI_FLAGS, flags);
        attr.set(JAVA_INT, LinkAttr.CREATE_KPROBE_MULTI_CNT, count);
        attr.set(JAVA_LONG, LinkAttr.CREATE_KPROBE_MULTI_SYMS, syms.address());
        attr.set(JAVA_LONG, LinkAttr.CREATE_KPROBE_MULTI_ADDRS, addrs.address());
        attr.set(JAVA_LONG, LinkAttr.CREATE_KPROBE_MULTI_COOKIES, cookies.address());
        return create(attr);
    }

    /**
     * BPF_LINK_CREATE of an uprobe.multi link on {@code count} file offsets in the binary at
     * {@code path} (a C string); {@code refCtrOffsets} and {@code cookies} may be
     * {@link MemorySegment#NULL}; {@code pid} 0 is every process.
     */
    public static long createUprobeMulti(
            int progFd,
            int attachType,
            int flags,
            MemorySegment path,
            MemorySegment offsets,
            MemorySegment refCtrOffsets,
            MemorySegment cookies,
            int count,
            int pid) {
        MemorySegment attr = head(progFd, 0, attachType, 0);
        attr.set(JAVA_LONG, LinkAttr.CREATE_UPROBE_MULTI_PATH, path.address());
        attr.set(JAVA_LONG, LinkAttr.CREATE_UPROBE_MULTI_OFFSETS, offsets.address());
        attr.set(JAVA_LONG, LinkAttr.CREATE_UPROBE_MULTI_REF_CTR_OFFSETS, refCtrOffsets.address());
        attr.set(JAVA_LONG, LinkAttr.CREATE_UPROBE_MULTI_COOKIES, cookies.address());
        attr.set(JAVA_INT, LinkAttr.CREATE_UPROBE_MULTI_CNT, count);
        attr.set(JAVA_INT, LinkAttr.CREATE_UPROBE_MULTI_FLAGS, flags);
        attr.set(JAVA_INT, LinkAttr.CREATE_UPROBE_MULTI_PID, pid);
        return create(attr);
    }

    /** BPF_LINK_CREATE of a netfilter link on protocol family {@code pf}, hook {@code hooknum}. */
    public static long createNetfilter(int progFd, int attachType, int pf, int hooknum, int priority, int flags) {
        MemorySegment attr = head(progFd, 0, attachType, 0);
        attr.set(JAVA_INT, LinkAttr.CREATE_NETFILTER_PF, pf);
        attr.set(JAVA_INT, LinkAttr.CREATE_NETFILTER_HOOKNUM, hooknum);
        attr.set(JAVA_INT, LinkAttr.CREATE_NETFILTER_PRIORITY, priority);
        attr.set(JAVA_INT, LinkAttr.CREATE_NETFILTER_FLAGS, flags);
        return create(attr);
    }

    /**
     * BPF_LINK_UPDATE: swaps the link's program for {@code newProgFd}; with BPF_F_REPLACE in
     * {@code flags}, only when it still runs {@code oldProgFd}.
     */
    public static long update(int linkFd, int newProgFd, int flags, int oldProgFd) {
        MemorySegment attr = Scratch.get().attr(LinkAttr.UPDATE_SIZE);
        attr.set(JAVA_INT, LinkAttr.UPDATE_LINK_FD, linkFd);
        attr.set(JAVA_INT, LinkAttr.UPDATE_NEW_PROG_FD, newProgFd);
        attr.set(JAVA_INT, LinkAttr.UPDATE_FLAGS, flags);
        attr.set(JAVA_INT, LinkAttr.UPDATE_OLD_PROG_FD, oldProgFd);
        return Bpf.call(BpfCmd.LINK_UPDATE, attr, LinkAttr.UPDATE_SIZE);
    }

    /** BPF_LINK_DETACH. */
    public static long detach(int linkFd) {
        MemorySegment attr = Scratch.get().attr(LinkAttr.LINK_FD_SIZE);
        attr.set(JAVA_INT, LinkAttr.LINK_FD_LINK_FD, linkFd);
        return Bpf.call(BpfCmd.LINK_DETACH, attr, LinkAttr.LINK_FD_SIZE);
    }

    /** BPF_ITER_CREATE: a new fd that runs the iterator link once when read. */
    public static long iterCreate(int linkFd) {
        MemorySegment attr = Scratch.get().attr(LinkAttr.LINK_FD_SIZE);
        attr.set(JAVA_INT, LinkAttr.LINK_FD_LINK_FD, linkFd);
        return Bpf.call(BpfCmd.ITER_CREATE, attr, LinkAttr.LINK_FD_SIZE);
    }

    /** BPF_RAW_TRACEPOINT_OPEN; {@code name} (a C string) is NULL for BTF-typed programs. */
    public static long rawTracepointOpen(MemorySegment name, int progFd, long cookie) {
        MemorySegment attr = Scratch.get().attr(LinkAttr.RAW_TP_SIZE);
        attr.set(JAVA_LONG, LinkAttr.RAW_TP_NAME, name.address());
        attr.set(JAVA_INT, LinkAttr.RAW_TP_PROG_FD, progFd);
        attr.set(JAVA_LONG, LinkAttr.RAW_TP_COOKIE, cookie);
        return Bpf.call(BpfCmd.RAW_TRACEPOINT_OPEN, attr, LinkAttr.RAW_TP_SIZE);
    }

    /**
     * BPF_PROG_QUERY: the ids of up to {@code progIds.byteSize() / 4} programs attached at
     * {@code target} (fd or ifindex) for {@code attachType}.
     *
     * @return the count the kernel reported (which may exceed the room), or the negated errno
     */
    public static long progQuery(int target, int attachType, int queryFlags, MemorySegment progIds) {
        MemorySegment attr = Scratch.get().attr(LinkAttr.QUERY_SIZE);
        attr.set(JAVA_INT, LinkAttr.QUERY_TARGET, target);
        attr.set(JAVA_INT, LinkAttr.QUERY_ATTACH_TYPE, attachType);
        attr.set(JAVA_INT, LinkAttr.QUERY_FLAGS, queryFlags);
        attr.set(JAVA_LONG, LinkAttr.QUERY_PROG_IDS, progIds.address());
        attr.set(JAVA_INT, LinkAttr.QUERY_COUNT, (int) (progIds.byteSize() / 4));
        long r = Bpf.call(BpfCmd.PROG_QUERY, attr, LinkAttr.QUERY_SIZE);
        return r < 0 ? r : Integer.toUnsignedLong(attr.get(JAVA_INT, LinkAttr.QUERY_COUNT));
    }
}
