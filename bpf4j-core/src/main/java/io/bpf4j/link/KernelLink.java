package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Leaks;
import io.bpf4j.internal.sys.Links;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A link the kernel holds as an object with an fd (a BPF link, or for perf events attached the
 * pre-5.15 way, the perf event itself): it can be pinned, inspected, and for some kinds given
 * another program or detached in place.
 *
 * <pre>{@code
 * try (Xdp link = Xdp.attach(prog, Xdp.Spec.interfaces("veth0"))) {
 *     link.update(otherProg);
 *     link.pin(Path.of("/sys/fs/bpf/app/xdp"));   // the parent directory is made as libbpf does
 * }
 * }</pre>
 */
public abstract sealed class KernelLink implements Link
        permits Tracepoint,
                RawTracepoint,
                Tracing,
                Kprobe,
                Uprobe,
                KprobeMulti,
                UprobeMulti,
                Xdp,
                Tcx,
                Cgroup,
                NetnsLink,
                Netfilter,
                BpfIterator,
                PinnedLink,
                StructOps {
    private final Fd link;
    private final Optional<Fd> perfEvent;
    private final String description;
    /** True when {@link #link} is a perf event with the program set by ioctl (no BPF link object). */
    private final boolean perfEventOnly;
    /** Extra teardown after the fds are closed (e.g. removing a legacy kprobe event), run once. */
    private final AtomicReference<Runnable> afterClose = new AtomicReference<>();

    KernelLink(Fd link, Optional<Fd> perfEvent, String description) {
        this.link = link;
        this.perfEvent = perfEvent;
        this.description = description;
        this.perfEventOnly = false;
    }

    KernelLink(PerfLinks.Attached a) {
        this.link = a.link();
        this.perfEvent = a.perfEvent();
        this.description = a.description();
        this.perfEventOnly = a.perfEvent().isEmpty();
    }

    @Override
    public final String description() {
        return description;
    }

    /** The BPF link fd (or, for ioctl-attached perf events, the perf event fd); valid until {@link #close()}. */
    public final int fd() {
        return link.raw();
    }

    /**
     * Whether the kernel holds this attachment as a BPF link (with an id, pinnable). False only
     * for a program on a perf event (kprobe, uprobe, tracepoint) on kernels before 5.15, which
     * have no perf-event BPF links: the program is set on the perf event itself
     * (PERF_EVENT_IOC_SET_BPF, as libbpf falls back), and {@link #info()}, {@link #pin},
     * {@link #update} and {@link #detach} throw {@link NotSupportedException}.
     */
    public final boolean isBpfLink() {
        return !perfEventOnly;
    }

    /** The kernel's view of this link: type, id, program id. */
    public final LinkInfo info() {
        requireBpfLink("its link info (BPF_OBJ_GET_INFO_BY_FD)");
        return LinkInfo.of(link);
    }

    private void requireBpfLink(String what) {
        if (perfEventOnly) {
            throw new NotSupportedException(
                    "BPF links on perf events (" + description + " is a perf event with the"
                            + " program set by PERF_EVENT_IOC_SET_BPF: this kernel has no BPF link for it, so no "
                            + what + ")",
                    "5.15",
                    0,
                    "BPF_LINK_CREATE",
                    description);
        }
    }

    /**
     * Swaps the program this link runs for {@code program}, atomically (BPF_LINK_UPDATE): no
     * event is missed and none sees both. The kernel swaps programs of XDP, TCX, cgroup,
     * iterator, netns and netfilter links; other kinds refuse with EINVAL or EOPNOTSUPP.
     */
    public final void update(Program program) {
        requireBpfLink("BPF_LINK_UPDATE");
        int raw = link.acquire();
        try {
            long r = Links.update(raw, program.fd(), 0, 0);
            if (r < 0) {
                String what = "BPF_LINK_UPDATE of " + description + " to program \"" + program.name() + "\"";
                throw Bpf.error(
                        "the kernel refused " + what + LinkErrors.hint((int) -r, "update"),
                        r,
                        BpfCmd.LINK_UPDATE,
                        description);
            }
        } finally {
            link.release();
        }
    }

    /**
     * Pins the link on a bpffs: the attachment then outlives this process until the pin is
     * removed. As libbpf's {@code bpf_link__pin}, a missing parent directory is made (mode 0700,
     * one level).
     */
    public final void pin(Path path) {
        requireBpfLink("pin at " + path);
        makeParentDir(path);
        Bpf.pin(link, path);
    }

    static void makeParentDir(Path path) {
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || Files.isDirectory(parent)) {
            return;
        }
        try {
            Files.createDirectory(
                    parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // made by someone else meanwhile, or a file: the pin says which
        } catch (IOException e) {
            throw new BpfException(
                    "cannot make the pin directory " + parent + " for " + path + ": " + e
                            + " (its parent must exist on a bpffs, e.g. /sys/fs/bpf)",
                    e);
        }
    }

    /**
     * Detaches the program now while keeping the link object valid (BPF_LINK_DETACH); the link
     * kinds that cannot detach this way say so with an exception.
     */
    public final void detach() {
        requireBpfLink("BPF_LINK_DETACH");
        int raw = link.acquire();
        try {
            long r = Links.detach(raw);
            if (r < 0) {
                throw Bpf.error(
                        "the kernel refused to detach " + description + LinkErrors.hint((int) -r, "detach"),
                        r,
                        BpfCmd.LINK_DETACH,
                        description);
            }
        } finally {
            link.release();
        }
    }

    @Override
    public final boolean isClosed() {
        return link.isClosed();
    }

    /** Detaches and releases the link's fds. Idempotent. */
    @Override
    public final void close() {
        link.close();
        perfEvent.ifPresent(Fd::close);
        Runnable after = afterClose.getAndSet(null);
        if (after != null) {
            after.run();
        }
    }

    /**
     * Registers teardown to run once after the link's fds are closed: by {@link #close()}, or by
     * a Cleaner when the link is forgotten (a legacy probe event must not outlive its link).
     */
    final void onClose(Runnable teardown) {
        afterClose.set(teardown);
        // The action must not reference this link: it holds the fds and the teardown only.
        Fd l = link;
        Optional<Fd> p = perfEvent;
        AtomicReference<Runnable> after = afterClose;
        String what = "link " + description + " (with its teardown)";
        Throwable where = Leaks.creation(what);
        TEARDOWN.register(this, () -> {
            Runnable r = after.getAndSet(null);
            if (r != null) { // close() did not run
                l.close();
                p.ifPresent(Fd::close);
                r.run();
                Leaks.released(what, where);
            }
        });
    }

    private static final java.lang.ref.Cleaner TEARDOWN = java.lang.ref.Cleaner.create();

    /** The link's owned fd, for the link kinds' own commands (struct_ops map update). */
    final Fd linkFd() {
        return link;
    }

    /** The perf event under this link, if it is one (for reading a counter). */
    final Optional<Fd> perfEventFd() {
        return perfEvent;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + description + (perfEventOnly ? ", perf event without a BPF link" : "")
                + (link.isClosed() ? " closed" : "") + "]";
    }
}
