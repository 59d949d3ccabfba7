package io.bpf4j.link;

import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A program attached to a perf event with PERF_EVENT_IOC_SET_BPF, the way kernels before 5.15
 * (no perf-event bpf_link) do it. Closing the perf event detaches the program. It has no kernel
 * link object, so it cannot be pinned, updated or detached separately.
 *
 * <pre>{@code
 * try (Link l = Tracepoint.attach(prog, "syscalls", "sys_enter_execve")) { ... }
 * }</pre>
 */
public final class PerfEventLink implements Link {
    private final Fd perfEvent;

    private PerfEventLink(Fd perfEvent) {
        this.perfEvent = perfEvent;
    }

    /** Sets {@code program} on {@code perfEvent} and enables it; takes ownership of the event. */
    static PerfEventLink attach(Program program, Fd perfEvent) {
        try {
            PerfEvents.setBpf(perfEvent, program.fd());
            PerfEvents.enable(perfEvent);
            return new PerfEventLink(perfEvent);
        } catch (RuntimeException e) {
            perfEvent.close();
            throw e;
        }
    }

    @Override
    public Optional<LinkInfo> info() {
        return Optional.empty();
    }

    @Override
    public void pin(Path path) {
        throw unsupported("pinning");
    }

    @Override
    public void update(Program newProgram) {
        throw unsupported("replacing the program");
    }

    @Override
    public void detach() {
        PerfEvents.disable(perfEvent);
    }

    private NotSupportedException unsupported(String what) {
        return new NotSupportedException(what + " of a perf event attached with PERF_EVENT_IOC_SET_BPF", "5.15",
                0, "", perfEvent.what());
    }

    @Override
    public boolean isClosed() {
        return perfEvent.isClosed();
    }

    @Override
    public void close() {
        perfEvent.close();
    }

    @Override
    public String toString() {
        return "PerfEventLink[" + perfEvent.what() + (isClosed() ? ", closed" : "") + "]";
    }
}
