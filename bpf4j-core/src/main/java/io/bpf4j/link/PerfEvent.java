package io.bpf4j.link;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.sys.Cpus;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A PERF_EVENT program on a software or hardware perf event, armed once per CPU (or per task of
 * the target processes): sampling by frequency or period runs the program on each sample; a
 * counting event ({@link Sampling.Counting}) only counts, and {@link #count()} reads the sum.
 * Event names are the kernel's ({@code cpu-clock}) or yeet:bpf's ({@code cpu_clock}) spelling.
 *
 * <pre>{@code
 * try (PerfEvent l = PerfEvent.attach(prog, PerfEvent.Spec.frequency("cpu_clock", 99))) { ... }
 * try (PerfEvent c = PerfEvent.attach(prog, PerfEvent.Spec.counting("page_faults")
 *         .target(new PerfEvent.Target.Pids(List.of(pid))))) {
 *     long faults = c.count();
 * }
 * }</pre>
 */
public final class PerfEvent implements Link {
    /** Whether an event is counted by the kernel (software) or by the CPU's PMU (hardware). */
    public enum Kind {
        SOFTWARE(PerfEvents.TYPE_SOFTWARE),
        HARDWARE(PerfEvents.TYPE_HARDWARE);

        private final int type;

        Kind(int type) {
            this.type = type;
        }
    }

    /**
     * An event: its kind, its canonical (yeet:bpf) name and the PERF_COUNT_* number.
     *
     * <pre>{@code
     * PerfEvent.Event.named("cpu-clock").equals(PerfEvent.Event.named("cpu_clock"))   // true
     * }</pre>
     */
    public record Event(Kind kind, String name, int config) {
        /**
         * The event of this name, in either spelling ({@code page-faults}, {@code page_faults},
         * {@code minor-faults}/{@code page_faults_min}, {@code cycles}/{@code cpu_cycles}, ...).
         *
         * @throws IllegalArgumentException naming the known events
         */
        public static Event named(String name) {
            Event e = BY_NAME.get(normalize(name));
            if (e == null) {
                throw new IllegalArgumentException("unknown perf event \"" + name + "\"; known: " + eventNames());
            }
            return e;
        }

        /** A software event by name; refuses a hardware one. */
        public static Event software(String name) {
            return ofKind(Kind.SOFTWARE, name);
        }

        /** A hardware event by name; refuses a software one. */
        public static Event hardware(String name) {
            return ofKind(Kind.HARDWARE, name);
        }

        private static Event ofKind(Kind kind, String name) {
            Event e = named(name);
            if (e.kind != kind) {
                throw new IllegalArgumentException(
                        "perf event \"" + name + "\" is a " + e.kind.name().toLowerCase(Locale.ROOT) + " event, not a "
                                + kind.name().toLowerCase(Locale.ROOT) + " one");
            }
            return e;
        }
    }

    /** Which tasks are observed. */
    public sealed interface Target {
        /** Every task on the CPUs (system-wide). */
        record All() implements Target {}

        /** These processes (each of their threads, and the children and threads they start later). */
        record Pids(List<Integer> pids) implements Target {
            public Pids {
                pids = List.copyOf(pids);
                if (pids.isEmpty()) {
                    throw new IllegalArgumentException(
                            "a pid target needs at least one pid (use Target.All for every task)");
                }
                for (int p : pids) {
                    if (p <= 0) {
                        throw new IllegalArgumentException("perf event target pid " + p + " is not a process id");
                    }
                }
            }
        }

        /**
         * Every process of a pid namespace, given by a file such as {@code /proc/1234/ns/pid}: the
         * host's namespace is observed system-wide; another one by its processes at attach time.
         */
        record PidNamespace(Path nsFile) implements Target {
            /** The pid namespace process {@code pid} lives in. */
            public static PidNamespace ofPid(long pid) {
                return new PidNamespace(Path.of("/proc", Long.toString(pid), "ns", "pid"));
            }
        }

        /** Every task of a cgroup v2 directory. */
        record Cgroup(Path dir) implements Target {}
    }

    /** How the event runs the program. */
    public sealed interface Sampling {
        /** About {@code hz} samples a second. */
        record Frequency(long hz) implements Sampling {
            public Frequency {
                if (hz <= 0) {
                    throw new IllegalArgumentException("sampling frequency " + hz + " Hz is not positive");
                }
            }
        }

        /** One sample every {@code events} events (nanoseconds for the clock events). */
        record Period(long events) implements Sampling {
            public Period {
                if (events <= 0) {
                    throw new IllegalArgumentException("sampling period " + events + " is not positive");
                }
            }
        }

        /** No samples: the event counts, {@link PerfEvent#count()} reads it. */
        record Counting() implements Sampling {}
    }

    /**
     * Which event, where, and how.
     *
     * @param event the event
     * @param cpus the CPUs to arm; empty: every online CPU (or, for a pid target, any CPU)
     * @param target the tasks observed
     * @param sampling frequency, period or counting
     * @param cookie the BPF cookie the program reads (0: none)
     */
    public record Spec(Event event, List<Integer> cpus, Target target, Sampling sampling, long cookie)
            implements AttachSpec {
        public Spec {
            Objects.requireNonNull(event, "event");
            cpus = List.copyOf(cpus);
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(sampling, "sampling");
        }

        /** Samples {@code hz} times a second on every online CPU, for all tasks. */
        public static Spec frequency(String event, long hz) {
            return new Spec(Event.named(event), List.of(), new Target.All(), new Sampling.Frequency(hz), 0);
        }

        /** Samples every {@code n} events on every online CPU, for all tasks. */
        public static Spec period(String event, long n) {
            return new Spec(Event.named(event), List.of(), new Target.All(), new Sampling.Period(n), 0);
        }

        /** Counts the event on every online CPU, for all tasks. */
        public static Spec counting(String event) {
            return new Spec(Event.named(event), List.of(), new Target.All(), new Sampling.Counting(), 0);
        }

        /** The same on these CPUs only. */
        public Spec cpus(List<Integer> list) {
            return new Spec(event, list, target, sampling, cookie);
        }

        /** The same for another target. */
        public Spec target(Target t) {
            return new Spec(event, cpus, t, sampling, cookie);
        }

        /** The same for one process. */
        public Spec forPid(int pid) {
            return target(new Target.Pids(List.of(pid)));
        }

        /** The same for the tasks of a cgroup v2 directory. */
        public Spec forCgroup(Path dir) {
            return target(new Target.Cgroup(dir));
        }

        /** The same with a BPF cookie. */
        public Spec cookie(long value) {
            return new Spec(event, cpus, target, sampling, value);
        }

        @Override
        public String describe() {
            String t =
                    switch (target) {
                        case Target.All a -> "";
                        case Target.Pids p -> " pids " + p.pids();
                        case Target.PidNamespace n -> " pid namespace " + n.nsFile();
                        case Target.Cgroup c -> " cgroup " + c.dir();
                    };
            String s =
                    switch (sampling) {
                        case Sampling.Frequency f -> " at " + f.hz() + " Hz";
                        case Sampling.Period p -> " every " + p.events();
                        case Sampling.Counting c -> " counting";
                    };
            return "perf event " + event.name() + s + t + (cpus.isEmpty() ? "" : " on cpus " + cpus);
        }
    }

    private static final Map<String, Event> BY_NAME = new LinkedHashMap<>();
    private static final List<String> CANONICAL = new ArrayList<>();

    static {
        sw(0, "cpu_clock");
        sw(1, "task_clock");
        sw(2, "page_faults", "faults");
        sw(3, "context_switches", "cs");
        sw(4, "cpu_migrations", "migrations");
        sw(5, "page_faults_min", "minor_faults");
        sw(6, "page_faults_maj", "major_faults");
        sw(7, "alignment_faults");
        sw(8, "emulation_faults");
        hw(0, "cpu_cycles", "cycles");
        hw(1, "instructions");
        hw(2, "cache_references");
        hw(3, "cache_misses");
        hw(4, "branch_instructions", "branches");
        hw(5, "branch_misses");
        hw(6, "bus_cycles");
        hw(7, "stalled_cycles_frontend", "idle_cycles_frontend");
        hw(8, "stalled_cycles_backend", "idle_cycles_backend");
        hw(9, "ref_cpu_cycles", "ref_cycles");
    }

    private static void sw(int config, String name, String... aliases) {
        add(Kind.SOFTWARE, config, name, aliases);
    }

    private static void hw(int config, String name, String... aliases) {
        add(Kind.HARDWARE, config, name, aliases);
    }

    private static void add(Kind kind, int config, String name, String... aliases) {
        Event e = new Event(kind, name, config);
        CANONICAL.add(name);
        BY_NAME.put(name, e);
        for (String a : aliases) {
            BY_NAME.put(a, e);
        }
    }

    private static String normalize(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }

    private final List<PerfLinks.Attached> parts;
    private final String description;
    private volatile boolean closed;

    private PerfEvent(List<PerfLinks.Attached> parts, String description) {
        this.parts = List.copyOf(parts);
        this.description = description;
    }

    /** The canonical event names (9 software, 10 hardware); the kernel's spellings are accepted too. */
    public static List<String> eventNames() {
        return List.copyOf(CANONICAL);
    }

    /**
     * Attaches {@code program} as {@code spec} says: one perf event per CPU (system-wide, cgroup)
     * or per thread of each target process and CPU; close the result to stop them all.
     *
     * @throws NotSupportedException for a hardware event this machine has no counter for
     * @throws IllegalArgumentException for a CPU that does not exist
     */
    public static PerfEvent attach(Program program, Spec spec) {
        LinkCreate.requireType(program, "a perf event", ProgramType.PERF_EVENT);
        List<Integer> cpus = checkCpus(spec.cpus());
        long period =
                switch (spec.sampling()) {
                    case Sampling.Frequency f -> f.hz();
                    case Sampling.Period p -> p.events();
                    case Sampling.Counting c -> 0;
                };
        long flags = spec.sampling() instanceof Sampling.Frequency ? PerfEvents.FLAG_FREQ : 0;
        String description = LinkCreate.describe(spec.describe(), program);
        List<PerfLinks.Attached> made = new ArrayList<>();
        try {
            switch (spec.target()) {
                case Target.All a -> armCpus(program, spec, period, flags, cpus, -1, 0, made);
                case Target.Cgroup c -> {
                    try (Fd cg = Cgroup.open(c.dir())) {
                        armCpus(program, spec, period, flags, cpus, cg.raw(), PerfEvents.FLAG_PID_CGROUP, made);
                    }
                }
                case Target.Pids p -> armTasks(program, spec, period, flags | INHERIT, p.pids(), false, made);
                case Target.PidNamespace n -> {
                    Optional<List<Integer>> members = namespaceMembers(n.nsFile());
                    if (members.isEmpty()) {
                        armCpus(program, spec, period, flags, cpus, -1, 0, made);
                    } else if (members.get().isEmpty()) {
                        throw new BpfException(
                                "no process in pid namespace " + n.nsFile() + " to observe with " + spec.describe());
                    } else {
                        armTasks(program, spec, period, flags | INHERIT, members.get(), true, made);
                    }
                }
            }
            return new PerfEvent(made, description);
        } catch (RuntimeException e) {
            made.forEach(PerfEvent::closeQuietly);
            throw e;
        }
    }

    /** The inode of the initial pid namespace, 0xEFFFFFFC. */
    private static final long PROC_PID_INIT_INO = 0xEFFFFFFCL;

    /** perf_event_attr.inherit: children (threads and processes) started later are counted too. */
    private static final long INHERIT = 1L << 1;

    private static void armCpus(
            Program program,
            Spec spec,
            long period,
            long flags,
            List<Integer> cpus,
            int pid,
            long openFlags,
            List<PerfLinks.Attached> made) {
        for (int cpu : cpus.isEmpty() ? Cpus.online() : cpus) {
            String what = spec.describe() + " (cpu " + cpu + ")";
            made.add(PerfLinks.attach(
                    program, open(spec, period, flags, pid, cpu, openFlags, what), what, spec.cookie()));
        }
    }

    /** One event per thread of each process (and CPU, if given); {@code lenient}: skip processes that ended. */
    private static void armTasks(
            Program program,
            Spec spec,
            long period,
            long flags,
            List<Integer> pids,
            boolean lenient,
            List<PerfLinks.Attached> made) {
        for (int pid : pids) {
            List<Integer> tids;
            try {
                tids = threads(pid);
            } catch (BpfException e) {
                if (lenient) {
                    continue; // a process of the namespace that ended since /proc was read
                }
                throw e;
            }
            for (int tid : tids) {
                for (int cpu : spec.cpus().isEmpty() ? List.of(-1) : spec.cpus()) {
                    String what = spec.describe() + " (task " + tid + (cpu >= 0 ? ", cpu " + cpu : "") + ")";
                    Fd fd;
                    try {
                        fd = open(spec, period, flags, tid, cpu, 0, what);
                    } catch (BpfException e) {
                        if (e.errno().orElse(null) == Errno.ESRCH && (tid != pid || lenient)) {
                            continue; // a thread (or a namespace's process) that ended since /proc was read
                        }
                        throw e;
                    }
                    made.add(PerfLinks.attach(program, fd, what, spec.cookie()));
                }
            }
        }
    }

    private static Fd open(Spec spec, long period, long flags, int pid, int cpu, long openFlags, String what) {
        PerfEvents.Attr attr =
                new PerfEvents.Attr(spec.event().kind().type, spec.event().config(), period, 0, flags, 0, 0, 0);
        try {
            return PerfEvents.open(attr, pid, cpu, openFlags, what);
        } catch (BpfException e) {
            Errno errno = e.errno().orElse(null);
            if (spec.event().kind() == Kind.HARDWARE && (errno == Errno.ENOENT || errno == Errno.EOPNOTSUPP)) {
                throw new NotSupportedException(
                        "hardware perf event " + spec.event().name()
                                + " (this machine's PMU has no counter for it, e.g. in a VM)",
                        "",
                        e.errnoNumber(),
                        "perf_event_open",
                        what);
            }
            String hint =
                    switch (errno) {
                        case ESRCH -> " (no process " + pid + ")";
                        case ENODEV -> " (CPU " + cpu + " is offline or does not exist)";
                        case EINVAL ->
                            " (the kernel found the event's attributes invalid, e.g. a frequency above"
                                    + " kernel.perf_event_max_sample_rate)";
                        case null, default -> "";
                    };
            throw new BpfException("cannot open " + what + hint, e.errnoNumber(), "perf_event_open", what);
        }
    }

    /** The CPUs asked for, each checked against the machine's: a CPU that does not exist says so. */
    private static List<Integer> checkCpus(List<Integer> cpus) {
        if (cpus.isEmpty()) {
            return cpus;
        }
        List<Integer> online = Cpus.online();
        int possible = Cpus.possibleCount();
        for (int c : cpus) {
            if (c < 0 || c >= possible) {
                throw new IllegalArgumentException("CPU " + c + " does not exist: this machine has CPUs 0-"
                        + (possible - 1) + " (online: " + online + ")");
            }
            if (!online.contains(c)) {
                throw new IllegalArgumentException("CPU " + c + " is offline (online: " + online + ")");
            }
        }
        if (cpus.stream().distinct().count() != cpus.size()) {
            throw new IllegalArgumentException("CPU list " + cpus + " names a CPU twice");
        }
        return cpus;
    }

    /** The threads of process {@code pid}, from {@code /proc/PID/task}; the pid alone if unreadable. */
    private static List<Integer> threads(int pid) {
        Path dir = Path.of("/proc", Integer.toString(pid), "task");
        if (!Files.isDirectory(dir)) {
            throw new BpfException(
                    "no process " + pid + " to observe (no " + dir + ")",
                    Errno.ESRCH.number(),
                    "perf_event_open",
                    "pid " + pid);
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Integer> tids = new ArrayList<>(s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d+"))
                    .map(Integer::valueOf)
                    .sorted()
                    .toList());
            tids.remove(Integer.valueOf(pid));
            tids.addFirst(pid);
            return tids;
        } catch (IOException e) {
            return List.of(pid);
        }
    }

    /**
     * The processes of the pid namespace {@code nsFile} names; empty when it is the host's (the
     * namespace of pid 1), which is observed system-wide instead.
     */
    private static Optional<List<Integer>> namespaceMembers(Path nsFile) {
        String ns = readLink(nsFile)
                .orElseThrow(() -> new BpfException(
                        "no pid namespace at " + nsFile, Errno.ENOENT.number(), "readlink", nsFile.toString()));
        if (!ns.startsWith("pid:[")) {
            throw new IllegalArgumentException(nsFile + " is not a pid namespace (it is " + ns + ")");
        }
        // The initial pid namespace has a fixed inode (PROC_PID_INIT_INO); pid 1's own link may
        // be unreadable (a sandboxed init), so it is not asked.
        if (ns.equals("pid:[" + PROC_PID_INIT_INO + "]")) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return Optional.of(s.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> readLink(p.resolve("ns").resolve("pid"))
                            .map(ns::equals)
                            .orElse(false))
                    .map(p -> Integer.valueOf(p.getFileName().toString()))
                    .sorted()
                    .toList());
        } catch (IOException e) {
            throw new BpfException("cannot list /proc to find the processes of pid namespace " + nsFile, e);
        }
    }

    private static Optional<String> readLink(Path p) {
        try {
            return Optional.of(Files.readSymbolicLink(p).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * Why this event cannot be opened here, or empty when it can: opens it counting on this
     * process, any CPU, and closes it again (the probe tests skip with).
     */
    public static Optional<String> probe(Event event) {
        PerfEvents.Attr attr =
                new PerfEvents.Attr(event.kind().type, event.config(), 0, 0, PerfEvents.FLAG_DISABLED, 0, 0, 0);
        try {
            PerfEvents.open(attr, 0, -1, "probe of " + event.name()).close();
            return Optional.empty();
        } catch (BpfException e) {
            return Optional.of(event.kind().name().toLowerCase(Locale.ROOT) + " perf event " + event.name()
                    + " cannot be opened here: " + e.errno().map(Errno::name).orElse("errno " + e.errnoNumber()));
        }
    }

    /**
     * The event's count summed over every CPU and task armed (for a {@link Sampling.Counting}
     * spec; a sampling event counts as well).
     */
    public long count() {
        long sum = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8, 8);
            for (PerfLinks.Attached a : parts) {
                Fd fd = a.perfEvent().orElse(a.link());
                long n = fd.read(buf);
                if (n != 8) {
                    throw new BpfException(
                            "cannot read the count of " + a.description(),
                            n < 0 ? (int) -n : 0,
                            "read",
                            a.description());
                }
                sum += buf.get(JAVA_LONG, 0);
            }
        }
        return sum;
    }

    /** How many perf events are armed (CPUs times tasks). */
    public int eventCount() {
        return parts.size();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        parts.forEach(PerfEvent::closeQuietly);
    }

    private static void closeQuietly(PerfLinks.Attached a) {
        a.link().close();
        a.perfEvent().ifPresent(Fd::close);
    }

    @Override
    public String toString() {
        return "PerfEvent[" + description + ", " + parts.size() + " events" + (closed ? " closed" : "") + "]";
    }
}
