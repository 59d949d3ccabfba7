package io.bpf4j.link;

import io.bpf4j.Program;
import io.bpf4j.internal.sys.Cpus;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Attaches a PERF_EVENT program to sampling perf events: software events (cpu-clock, task-clock,
 * page-faults, context-switches, ...) or hardware events (cycles, instructions, ...) by name, one
 * event per CPU, sampling by period or frequency, for all processes or one pid.
 *
 * <pre>{@code
 * List<Link> links = PerfEvent.attach(prog, PerfEvent.Spec.frequency("cpu-clock", 99));
 * }</pre>
 */
public final class PerfEvent {
    private static final Map<String, int[]> EVENTS = Map.ofEntries(
            Map.entry("cpu-clock", new int[] {PerfEvents.TYPE_SOFTWARE, 0}),
            Map.entry("task-clock", new int[] {PerfEvents.TYPE_SOFTWARE, 1}),
            Map.entry("page-faults", new int[] {PerfEvents.TYPE_SOFTWARE, 2}),
            Map.entry("context-switches", new int[] {PerfEvents.TYPE_SOFTWARE, 3}),
            Map.entry("cpu-migrations", new int[] {PerfEvents.TYPE_SOFTWARE, 4}),
            Map.entry("minor-faults", new int[] {PerfEvents.TYPE_SOFTWARE, 5}),
            Map.entry("major-faults", new int[] {PerfEvents.TYPE_SOFTWARE, 6}),
            Map.entry("cycles", new int[] {PerfEvents.TYPE_HARDWARE, 0}),
            Map.entry("instructions", new int[] {PerfEvents.TYPE_HARDWARE, 1}),
            Map.entry("cache-references", new int[] {PerfEvents.TYPE_HARDWARE, 2}),
            Map.entry("cache-misses", new int[] {PerfEvents.TYPE_HARDWARE, 3}),
            Map.entry("branch-instructions", new int[] {PerfEvents.TYPE_HARDWARE, 4}),
            Map.entry("branch-misses", new int[] {PerfEvents.TYPE_HARDWARE, 5}));

    /**
     * Which event and how to sample it.
     *
     * @param event an event name (see {@link #eventNames()})
     * @param period samples every {@code period} events, or {@code period} times a second with {@code frequency}
     * @param frequency whether {@code period} is a frequency in Hz
     * @param pid the process to watch, -1 for all
     * @param cpus the CPUs, empty for every online CPU
     */
    public record Spec(String event, long period, boolean frequency, int pid, List<Integer> cpus,
                       java.util.Optional<java.nio.file.Path> cgroup) {
        /** A spec for every process ({@code pid} -1) or one, with no cgroup target. */
        public Spec(String event, long period, boolean frequency, int pid, List<Integer> cpus) {
            this(event, period, frequency, pid, cpus, java.util.Optional.empty());
        }

        /** The same, counting only tasks of the cgroup v2 directory {@code dir} (on every CPU). */
        public Spec forCgroup(java.nio.file.Path dir) {
            return new Spec(event, period, frequency, -1, cpus, java.util.Optional.of(dir));
        }

        /** Samples {@code hz} times a second on every online CPU, for all processes. */
        public static Spec frequency(String event, long hz) {
            return new Spec(event, hz, true, -1, List.of());
        }

        /** Samples every {@code n} events on every online CPU, for all processes. */
        public static Spec period(String event, long n) {
            return new Spec(event, n, false, -1, List.of());
        }

        /** The same, for one process only. */
        public Spec forPid(int p) {
            return new Spec(event, period, frequency, p, cpus);
        }
    }

    private PerfEvent() {
    }

    /** The event names this class knows. */
    public static List<String> eventNames() {
        return EVENTS.keySet().stream().sorted().toList();
    }

    /** Attaches {@code program} to the event on each CPU of the spec; close every link to stop. */
    public static List<Link> attach(Program program, Spec spec) {
        int[] ev = EVENTS.get(spec.event());
        if (ev == null) {
            throw new IllegalArgumentException("unknown perf event \"" + spec.event() + "\"; known: " + eventNames());
        }
        List<Integer> cpus = spec.cpus().isEmpty() ? Cpus.online() : spec.cpus();
        List<Link> links = new ArrayList<>();
        Fd cgroupFd = spec.cgroup().map(PerfEvent::openCgroup).orElse(null);
        try {
            for (int cpu : cpus) {
                PerfEvents.Attr attr = new PerfEvents.Attr(ev[0], ev[1], spec.period(), 0,
                        spec.frequency() ? PerfEvents.FLAG_FREQ : 0, 0, 0, 0);
                String what = "perf event " + spec.event() + " on cpu " + cpu;
                Fd fd;
                try {
                    fd = cgroupFd == null ? PerfEvents.open(attr, spec.pid(), cpu, what)
                            : PerfEvents.open(attr, cgroupFd.raw(), cpu, PerfEvents.FLAG_PID_CGROUP,
                                    what + " for cgroup " + spec.cgroup().get());
                } catch (io.bpf4j.BpfException e) {
                    if (ev[0] == PerfEvents.TYPE_HARDWARE && e.errno().orElse(null) == io.bpf4j.Errno.ENOENT) {
                        throw new io.bpf4j.NotSupportedException("hardware perf event " + spec.event()
                                + " (no hardware counters, e.g. in a VM)", "", e.errnoNumber(), "perf_event_open", what);
                    }
                    throw e;
                }
                try {
                    links.add(Tracepoint.attachPerfEvent(program, fd, what));
                } catch (RuntimeException e) {
                    fd.close();
                    throw e;
                }
            }
            return links;
        } catch (RuntimeException e) {
            links.forEach(Link::close);
            throw e;
        } finally {
            if (cgroupFd != null) {
                cgroupFd.close(); // the perf events hold the cgroup themselves
            }
        }
    }

    private static Fd openCgroup(java.nio.file.Path dir) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            long fd = io.bpf4j.internal.sys.Libc.syscall(io.bpf4j.internal.sys.Libc.SYS_OPENAT, -100,
                    arena.allocateFrom(dir.toString()).address(), 0x10000 | 0x80000 /* O_DIRECTORY|O_CLOEXEC */, 0, 0, 0);
            if (fd < 0) {
                throw new io.bpf4j.BpfException("cannot open cgroup " + dir, (int) -fd, "open", dir.toString());
            }
            return new Fd((int) fd, "cgroup " + dir);
        }
    }
}
