package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;
import io.bpf4j.internal.sys.PerfEvents;
import java.util.Optional;

/**
 * A program on an open perf event (tracepoint, kprobe, uprobe, sampling event): a BPF link over
 * the perf event (BPF_LINK_CREATE with BPF_PERF_EVENT, Linux 5.15, with an optional BPF cookie);
 * on kernels without such links (the kernel's BTF has no BPF_PERF_EVENT) the perf event ioctl
 * PERF_EVENT_IOC_SET_BPF, as libbpf falls back.
 */
final class PerfLinks {
    private PerfLinks() {}

    /** The fds of an attachment: the link (or the perf event itself) and the perf event it holds. */
    record Attached(Fd link, Optional<Fd> perfEvent, String description) {}

    /**
     * Attaches {@code program} to the perf event {@code perf}; the result owns {@code perf}
     * afterwards. On failure {@code perf} is closed.
     */
    static Attached attach(Program program, Fd perf, String what, long cookie) {
        String description = what + " -> program \"" + program.name() + "\"";
        try {
            int perfFd = perf.acquire();
            long r;
            try {
                r = Links.createPerfEvent(program.fd(), perfFd, AttachType.PERF_EVENT.value(), cookie);
            } finally {
                perf.release();
            }
            if (r >= 0) {
                Fd link = new Fd((int) r, "link " + description);
                try {
                    PerfEvents.enable(perf);
                } catch (RuntimeException e) {
                    link.close();
                    throw e;
                }
                return new Attached(link, Optional.of(perf), description);
            }
            boolean noPerfLinks = LinkErrors.isUnsupportedErrno((int) -r)
                    && LinkErrors.knowsEnumerator("bpf_attach_type", AttachType.PERF_EVENT.kernelName())
                            .orElse(false)
                            .equals(false);
            if (!noPerfLinks) {
                throw LinkErrors.refused(
                        description, r, BpfCmd.LINK_CREATE, AttachType.PERF_EVENT, "perf event BPF links", "5.15");
            }
            if (cookie != 0) {
                throw new io.bpf4j.NotSupportedException(
                        "BPF cookies on perf events (for " + description + ")",
                        "5.15",
                        (int) -r,
                        BpfCmd.LINK_CREATE.kernelName(),
                        description);
            }
            // Kernels before 5.15 have no perf-event BPF links: attach through the perf event itself.
            try {
                PerfEvents.setBpf(perf, program.fd());
                PerfEvents.enable(perf);
            } catch (BpfException e) {
                throw new BpfException("the kernel refused to attach " + description + ": " + e.getMessage(), e);
            }
            return new Attached(perf, Optional.empty(), description);
        } catch (RuntimeException e) {
            perf.close();
            throw e;
        }
    }
}
