package io.bpf4j.link;

import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;
import io.bpf4j.internal.sys.Scratch;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A program attached to an event. Closing the link detaches the program (exactly once; a
 * forgotten link is closed by the GC's cleaner), unless it was pinned.
 *
 * <pre>{@code
 * try (Link link = Tracepoint.attach(program, "syscalls", "sys_enter_execve")) {
 *     ... the program runs on every execve ...
 * }
 * }</pre>
 */
public final class Link implements AutoCloseable {
    private final Fd link;
    private final Optional<Fd> perfEvent;
    private final String description;

    Link(Fd link, Optional<Fd> perfEvent, String description) {
        this.link = link;
        this.perfEvent = perfEvent;
        this.description = description;
    }

    /** What the link attaches, e.g. {@code tracepoint syscalls/sys_enter_execve -> program "count"}. */
    public String description() {
        return description;
    }

    /** The BPF link fd (or, for ioctl-attached perf events, the perf event fd); valid until {@link #close()}. */
    public int fd() {
        return link.raw();
    }

    /** Pins the link on a bpffs: the attachment then outlives this process until the pin is removed. */
    public void pin(Path path) {
        Bpf.pin(link, path);
    }

    /**
     * Opens a link pinned at {@code path} (by this or another process). Closing the returned
     * handle leaves the pin, and so the attachment, in place; remove it with {@link #unpin}.
     */
    public static Link openPinned(Path path) {
        Fd fd = Bpf.getPinned(path, "pinned link " + path);
        return new Link(fd, Optional.empty(), "pinned link " + path);
    }

    /** Removes a link pin; the attachment ends when the last handle on it is closed. */
    public static void unpin(Path path) {
        try {
            java.nio.file.Files.delete(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot remove the link pin " + path, e);
        }
    }

    /**
     * What the kernel says about this link (BPF_OBJ_GET_INFO_BY_FD); empty for a program attached
     * to a perf event by ioctl, which has no kernel link object.
     */
    public Optional<LinkInfo> info() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment info = arena.allocate(LinkAttr.INFO_SIZE, 8);
            try {
                Bpf.infoByFd(link, info);
            } catch (io.bpf4j.BpfException e) {
                if (e.errno().filter(n -> n == io.bpf4j.Errno.EINVAL).isPresent()) {
                    return Optional.empty(); // a perf event fd: attached by ioctl, no bpf_link
                }
                throw e;
            }
            return Optional.of(new LinkInfo(LinkType.of(info.get(JAVA_INT, LinkAttr.INFO_TYPE)),
                    info.get(JAVA_INT, LinkAttr.INFO_ID), info.get(JAVA_INT, LinkAttr.INFO_PROG_ID)));
        }
    }

    /**
     * Replaces the running program without a gap (BPF_LINK_UPDATE). The kernel allows it for
     * XDP, TCX, cgroup, iterator, netns and netkit links; others fail with
     * {@link io.bpf4j.NotSupportedException} naming the link and the new program.
     */
    public void update(io.bpf4j.Program newProgram) {
        int raw = link.acquire();
        try {
            MemorySegment attr = Scratch.get().attr(LinkAttr.UPDATE_SIZE);
            attr.set(JAVA_INT, LinkAttr.UPDATE_LINK_FD, raw);
            attr.set(JAVA_INT, LinkAttr.UPDATE_NEW_PROG_FD, newProgram.fd());
            long r = Bpf.call(BpfCmd.LINK_UPDATE, attr, LinkAttr.UPDATE_SIZE);
            if (r < 0) {
                String what = "replacing the program of " + description + " with \"" + newProgram.name() + "\"";
                throw Bpf.errorOrUnsupported("cannot " + what, r, BpfCmd.LINK_UPDATE, description, what, "");
            }
        } finally {
            link.release();
        }
    }

    /** True once closed. */
    public boolean isClosed() {
        return link.isClosed();
    }

    /**
     * Detaches the program now while keeping the link object valid (BPF_LINK_DETACH); the link
     * kinds that cannot detach this way say so with an exception.
     */
    public void detach() {
        int raw = link.acquire();
        try {
            MemorySegment attr = Scratch.get().attr(LinkAttr.LINK_FD_SIZE);
            attr.set(JAVA_INT, 0, raw);
            long r = Bpf.call(BpfCmd.LINK_DETACH, attr, LinkAttr.LINK_FD_SIZE);
            if (r < 0) {
                throw Bpf.errorOrUnsupported("cannot detach " + description, r, BpfCmd.LINK_DETACH, description,
                        "BPF_LINK_DETACH for this link type", "5.9");
            }
        } finally {
            link.release();
        }
    }

    /** Detaches and releases the link's fds. Idempotent. */
    @Override
    public void close() {
        link.close();
        perfEvent.ifPresent(Fd::close);
    }

    @Override
    public String toString() {
        return "Link[" + description + (link.isClosed() ? " closed" : "") + "]";
    }
}
