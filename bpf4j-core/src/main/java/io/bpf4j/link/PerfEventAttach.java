package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;
import io.bpf4j.internal.sys.PerfEvents;

import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Runs a program on an open perf event (tracepoint, kprobe, uprobe, sampling event): a bpf_link
 * of attach type BPF_PERF_EVENT where the kernel has it (5.15+), else PERF_EVENT_IOC_SET_BPF.
 */
final class PerfEventAttach {
    private PerfEventAttach() {
    }

    /**
     * Attaches and takes ownership of {@code perfEvent}: on failure it is closed, on success the
     * returned link closes it.
     */
    static Link attach(Program program, Fd perfEvent, long cookie) {
        BpfLink link;
        int raw = perfEvent.acquire();
        try {
            link = BpfLink.create(program, raw, AttachType.PERF_EVENT, 0,
                    attr -> attr.set(JAVA_LONG, LinkAttr.LinkCreate.PERF_EVENT_BPF_COOKIE, cookie),
                    perfEvent.what(), Optional.of(perfEvent));
        } catch (BpfException e) {
            boolean noPerfLinks = e.errno().filter(n -> n == Errno.EINVAL || n == Errno.EOPNOTSUPP).isPresent();
            if (!noPerfLinks || cookie != 0) {
                perfEvent.release();
                throw BpfLink.closing(perfEvent, e);
            }
            perfEvent.release();
            return PerfEventLink.attach(program, perfEvent);
        }
        perfEvent.release();
        try {
            // Not enabled by perf_event_open's attr (disabled=0), but enable explicitly: a
            // sampling event opened disabled by a caller still starts with its link.
            PerfEvents.enable(perfEvent);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
        return link;
    }
}
