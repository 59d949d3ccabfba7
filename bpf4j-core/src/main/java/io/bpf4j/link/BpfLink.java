package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;
import io.bpf4j.internal.sys.Scratch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A kernel bpf_link: the program runs while the link's fd (or a pin of it) lives.
 *
 * <pre>{@code
 * try (BpfLink l = RawTracepoint.attach(prog, "sched_switch")) {
 *     l.pin(Path.of("/sys/fs/bpf/my_link"));
 * }
 * try (BpfLink again = BpfLink.openPinned(Path.of("/sys/fs/bpf/my_link"))) {
 *     again.update(newProg);
 * }
 * }</pre>
 */
public final class BpfLink implements Link {
    private final Fd fd;
    /** A perf event (tracepoint, uprobe, sampling event) the link sits on; closed after the link. */
    private final Optional<Fd> perfEvent;

    BpfLink(Fd fd, Optional<Fd> perfEvent) {
        this.fd = fd;
        this.perfEvent = perfEvent;
    }

    /**
     * BPF_LINK_CREATE for {@code program} on {@code targetFd} (an fd or ifindex); {@code extra}
     * fills the per-kind union of the attr. Errors name {@code what}.
     */
    static BpfLink create(Program program, int targetFd, AttachType type, int flags,
                          Consumer<MemorySegment> extra, String what, Optional<Fd> perfEvent) {
        MemorySegment attr = Scratch.get().attr(LinkAttr.LinkCreate.SIZE);
        attr.set(JAVA_INT, LinkAttr.LinkCreate.PROG_FD, program.fd());
        attr.set(JAVA_INT, LinkAttr.LinkCreate.TARGET_FD, targetFd);
        attr.set(JAVA_INT, LinkAttr.LinkCreate.ATTACH_TYPE, type.value());
        attr.set(JAVA_INT, LinkAttr.LinkCreate.FLAGS, flags);
        extra.accept(attr);
        long r = Bpf.call(BpfCmd.LINK_CREATE, attr, LinkAttr.LinkCreate.SIZE);
        if (r < 0) {
            throw Bpf.error("cannot attach program \"" + program.name() + "\" to " + what + " as " + type,
                    r, BpfCmd.LINK_CREATE, "program \"" + program.name() + "\"");
        }
        return new BpfLink(new Fd((int) r, "link of \"" + program.name() + "\" to " + what), perfEvent);
    }

    /** Wraps a link fd made another way (raw tracepoint open, iterator parent). */
    static BpfLink adopt(Fd fd) {
        return new BpfLink(fd, Optional.empty());
    }

    /** Opens a link pinned at {@code path}; closing it does not remove the pin. */
    public static BpfLink openPinned(Path path) {
        return new BpfLink(Bpf.getPinned(path, "pinned link " + path), Optional.empty());
    }

    /** Removes a pin made with {@link #pin}; the link lives on while other holders exist. */
    public static void unpin(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the link pin " + path, e);
        }
    }

    @Override
    public Optional<LinkInfo> info() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(LinkAttr.LinkInfo.SIZE, 8);
            Bpf.infoByFd(fd, info);
            return Optional.of(new LinkInfo(LinkType.of(info.get(JAVA_INT, LinkAttr.LinkInfo.TYPE)),
                    info.get(JAVA_INT, LinkAttr.LinkInfo.ID), info.get(JAVA_INT, LinkAttr.LinkInfo.PROG_ID)));
        }
    }

    @Override
    public void pin(Path path) {
        Bpf.pin(fd, path);
    }

    @Override
    public void update(Program newProgram) {
        int raw = fd.acquire();
        try {
            MemorySegment attr = Scratch.get().attr(LinkAttr.LinkUpdate.SIZE);
            attr.set(JAVA_INT, LinkAttr.LinkUpdate.LINK_FD, raw);
            attr.set(JAVA_INT, LinkAttr.LinkUpdate.NEW_PROG_FD, newProgram.fd());
            long r = Bpf.call(BpfCmd.LINK_UPDATE, attr, LinkAttr.LinkUpdate.SIZE);
            if (r < 0) {
                throw Bpf.errorOrUnsupported("cannot replace the program of " + fd.what() + " with \""
                        + newProgram.name() + "\"", r, BpfCmd.LINK_UPDATE, fd.what(),
                        "replacing the program of " + fd.what() + " with \"" + newProgram.name() + "\"", "");
            }
        } finally {
            fd.release();
        }
    }

    @Override
    public void detach() {
        int raw = fd.acquire();
        try {
            MemorySegment attr = Scratch.get().attr(LinkAttr.LinkDetach.SIZE);
            attr.set(JAVA_INT, LinkAttr.LinkDetach.LINK_FD, raw);
            long r = Bpf.call(BpfCmd.LINK_DETACH, attr, LinkAttr.LinkDetach.SIZE);
            if (r < 0) {
                throw Bpf.errorOrUnsupported("cannot detach " + fd.what(), r, BpfCmd.LINK_DETACH, fd.what(),
                        "detaching this kind of link", "5.9");
            }
        } finally {
            fd.release();
        }
    }

    /** The link's owned fd, for the iterator and for tests in this package. */
    Fd fd() {
        return fd;
    }

    @Override
    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public void close() {
        try {
            fd.close();
        } finally {
            perfEvent.ifPresent(Fd::close);
        }
    }

    @Override
    public String toString() {
        return "BpfLink[" + fd.what() + (isClosed() ? ", closed" : "") + "]";
    }

    /** Closes {@code fd} when {@code failure} escapes, adding a close failure as suppressed. */
    static BpfException closing(Fd fd, BpfException failure) {
        try {
            fd.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }
}
