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
    /** Extra teardown after the fds are closed (e.g. removing a legacy kprobe event), run once. */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> afterClose = new java.util.concurrent.atomic.AtomicReference<>();

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

    /** The kernel's view of this link: type, id, program id. */
    public LinkInfo info() {
        return LinkInfo.of(link);
    }

    /**
     * Swaps the program this link runs for {@code program}, atomically (BPF_LINK_UPDATE): no
     * event is missed and none sees both.
     */
    public void update(io.bpf4j.Program program) {
        int raw = link.acquire();
        try {
            MemorySegment attr = Scratch.get().attr(16);
            attr.set(JAVA_INT, 0, raw);
            attr.set(JAVA_INT, 4, program.fd());
            long r = Bpf.call(BpfCmd.LINK_UPDATE, attr, 16);
            if (r < 0) {
                // EINVAL here means this kind of link cannot swap programs (perf event, raw
                // tracepoint, tracing links), not an old kernel: name the link and the program.
                String what = "BPF_LINK_UPDATE of " + description + " to program \"" + program.name() + "\"";
                throw Bpf.errorOrUnsupported("cannot " + what, r, BpfCmd.LINK_UPDATE, description, what, "");
            }
        } finally {
            link.release();
        }
    }

    /** Removes a link pin; the attachment ends when the last handle on it is closed. */
    public static void unpin(Path path) {
        try {
            java.nio.file.Files.delete(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot remove the link pin " + path, e);
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return link.isClosed();
    }

    /** Opens a link pinned at {@code path} (it stays attached; closing this object drops only our reference). */
    public static Link fromPin(Path path) {
        Fd fd = Bpf.getPinned(path, "link pinned at " + path);
        return new Link(fd, Optional.empty(), "link pinned at " + path);
    }

    /** Opens the link with this kernel id (it stays attached; closing this object drops only our reference). */
    public static Link fromId(int id) {
        Fd fd = io.bpf4j.internal.sys.KernelIds.open(io.bpf4j.internal.sys.KernelIds.Kind.LINK, id);
        return new Link(fd, Optional.empty(), "link id " + id);
    }

    /** Pins the link on a bpffs: the attachment then outlives this process until the pin is removed. */
    public void pin(Path path) {
        Bpf.pin(link, path);
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
        Runnable after = afterClose.getAndSet(null);
        if (after != null) {
            after.run();
        }
    }

    /** Registers teardown to run once after the link's fds are closed. */
    Link onClose(Runnable teardown) {
        afterClose.set(teardown);
        return this;
    }

    @Override
    public String toString() {
        return "Link[" + description + (link.isClosed() ? " closed" : "") + "]";
    }
}
