package io.bpf4j.link;

import io.bpf4j.Program;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;

/**
 * Attaches a {@code TRACEPOINT} program to a kernel tracepoint ({@code events/GROUP/NAME} in
 * tracefs) through a perf event.
 *
 * <pre>{@code
 * try (Link l = Tracepoint.attach(prog, "syscalls", "sys_enter_execve")) { ... }
 * }</pre>
 */
public final class Tracepoint {
    private Tracepoint() {
    }

    /** Attaches {@code program} to tracepoint {@code group/name}. */
    public static Link attach(Program program, String group, String name) {
        return attach(program, group, name, 0);
    }

    /**
     * Attaches with a BPF cookie the program reads with {@code bpf_get_attach_cookie()} (needs
     * perf-event links, Linux 5.15+).
     */
    public static Link attach(Program program, String group, String name, long cookie) {
        int id = Tracefs.tracepointId(group, name);
        var attr = PerfEvents.Attr.of(PerfEvents.TYPE_TRACEPOINT, id).withSamplePeriod(1).withWakeupEvents(1);
        // pid -1 with cpu 0 is how a tracepoint event is opened system wide: the program is set
        // on the tracepoint itself and runs on every CPU.
        Fd event = PerfEvents.open(attr, -1, 0, "tracepoint " + group + "/" + name);
        return PerfEventAttach.attach(program, event, cookie);
    }
}
