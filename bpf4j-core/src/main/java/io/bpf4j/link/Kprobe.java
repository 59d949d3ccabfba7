package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A KPROBE program on a kernel function's entry (kprobe) or return (kretprobe) through the
 * kprobe PMU ({@code /sys/bus/event_source/devices/kprobe}, Linux 4.17), or the legacy tracefs
 * {@code kprobe_events} when the PMU is missing but tracefs takes probes. A kernel built without
 * CONFIG_KPROBES has neither: attaching then fails with {@link NotSupportedException}, and
 * {@link #probe()} says so beforehand.
 *
 * <pre>{@code
 * try (Kprobe l = Kprobe.attach(prog, Kprobe.Spec.of("do_unlinkat"))) { ... }
 * try (Kprobe l = Kprobe.attach(prog, Kprobe.Syscall.of("openat"))) { ... }   // __x64_sys_openat
 * }</pre>
 */
public final class Kprobe extends KernelLink {
    private static final Path PMU = Path.of("/sys/bus/event_source/devices/kprobe");

    /**
     * A kernel function, an offset into it (entry probes only), entry or return, and a BPF
     * cookie (0: none).
     */
    public record Spec(String function, long offset, ProbePoint point, long cookie) implements AttachSpec {
        public Spec {
            if (function == null || function.isEmpty()) {
                throw new IllegalArgumentException("a kprobe needs a kernel function name");
            }
            if (offset < 0) {
                throw new IllegalArgumentException("kprobe offset " + offset + " into " + function + " is negative");
            }
            if (offset != 0 && point == ProbePoint.RETURN) {
                throw new IllegalArgumentException(
                        "a kretprobe fires on return: it takes no offset (" + function + "+" + offset + ")");
            }
        }

        /** The entry of {@code function}. */
        public static Spec of(String function) {
            return new Spec(function, 0, ProbePoint.ENTRY, 0);
        }

        /** The same at {@code point}. */
        public Spec at(ProbePoint p) {
            return new Spec(function, offset, p, cookie);
        }

        /** The same, {@code bytes} into the function. */
        public Spec offset(long bytes) {
            return new Spec(function, bytes, point, cookie);
        }

        /** The same with a BPF cookie. */
        public Spec cookie(long value) {
            return new Spec(function, offset, point, value);
        }

        @Override
        public String describe() {
            return (point == ProbePoint.RETURN ? "kretprobe " : "kprobe ")
                    + function
                    + (offset != 0 ? "+" + offset : "");
        }
    }

    /**
     * A system call by its name ({@code openat}), probed on the kernel function that implements
     * it: the architecture's syscall wrapper ({@code __x64_sys_openat}) when the kernel has one,
     * else {@code sys_openat}, found as libbpf's {@code ksyscall} does.
     */
    public record Syscall(String name, ProbePoint point, long cookie) implements AttachSpec {
        public Syscall {
            if (name == null || !name.matches("[A-Za-z0-9_]+")) {
                throw new IllegalArgumentException("not a system call name: \"" + name + "\"");
            }
        }

        /** The entry of system call {@code name}. */
        public static Syscall of(String name) {
            return new Syscall(name, ProbePoint.ENTRY, 0);
        }

        /** The same at {@code p}. */
        public Syscall at(ProbePoint p) {
            return new Syscall(name, p, cookie);
        }

        /** The kernel function this system call is probed on. */
        public String function() {
            return Syscalls.function(name);
        }

        @Override
        public String describe() {
            return (point == ProbePoint.RETURN ? "kretsyscall " : "ksyscall ") + name;
        }
    }

    private Kprobe(PerfLinks.Attached a) {
        super(a);
    }

    /**
     * Attaches to {@code function} + {@code offset}; {@code ret} for a kretprobe.
     *
     * @deprecated use {@link #attach(Program, Spec)}: {@code Kprobe.Spec.of(function).offset(n).at(ProbePoint.RETURN)}
     */
    @Deprecated
    public static Kprobe attach(Program program, String function, long offset, boolean ret) {
        return attach(program, new Spec(function, offset, ret ? ProbePoint.RETURN : ProbePoint.ENTRY, 0));
    }

    /** Attaches to the system call {@code spec} names. */
    public static Kprobe attach(Program program, Syscall spec) {
        return attach(program, new Spec(spec.function(), 0, spec.point(), spec.cookie()));
    }

    /**
     * Attaches as {@code spec} says. Without the kprobe PMU (kernels before 4.17) it falls back
     * to a legacy probe written to tracefs's {@code kprobe_events}, removed again when the link
     * closes, as libbpf does.
     *
     * @throws NotSupportedException when the kernel has no kprobes at all (see {@link #probe()})
     */
    public static Kprobe attach(Program program, Spec spec) {
        LinkCreate.requireType(program, "a kprobe", ProgramType.KPROBE);
        String what = spec.describe();
        boolean ret = spec.point() == ProbePoint.RETURN;
        if (!Files.exists(PMU.resolve("type")) && LegacyKprobe.available()) {
            return LegacyKprobe.attach(program, spec, what);
        }
        int type = ProbePmu.type(PMU, "kprobes", "CONFIG_KPROBES");
        int retBit = ret ? ProbePmu.retprobeBit(PMU) : -1;
        try (Arena arena = Arena.ofConfined()) {
            long name = arena.allocateFrom(spec.function()).address();
            PerfEvents.Attr attr = new PerfEvents.Attr(type, ret ? 1L << retBit : 0, 0, 0, 0, 0, name, spec.offset());
            Fd fd;
            try {
                fd = PerfEvents.open(attr, -1, 0, what);
            } catch (BpfException e) {
                throw new BpfException(
                        "the kernel refused " + what + " for program \"" + program.name() + "\""
                                + (e.errno().orElse(null) == io.bpf4j.Errno.ENOENT
                                        ? " (no kernel function " + spec.function() + " that can be probed)"
                                        : ""),
                        e.errnoNumber(),
                        "perf_event_open",
                        what);
            }
            return new Kprobe(PerfLinks.attach(program, fd, what, spec.cookie()));
        }
    }

    /** Whether this kernel has the kprobe PMU (the legacy tracefs interface is tried as well on attach). */
    public static boolean supported() {
        return Files.exists(PMU.resolve("type"));
    }

    /**
     * Why kprobes cannot attach on this kernel, or empty when they can (the kprobe PMU or a
     * writable tracefs {@code kprobe_events}): the reason a test skips with.
     */
    public static Optional<String> probe() {
        if (supported() || LegacyKprobe.available()) {
            return Optional.empty();
        }
        return Optional.of("kprobes: no " + PMU + " and no writable " + LegacyKprobe.EVENTS
                + " (the kernel was built without CONFIG_KPROBES)");
    }

    /** Legacy kprobes through tracefs {@code kprobe_events}: a named event, then a tracepoint-style perf event on it. */
    static final class LegacyKprobe {
        static final Path EVENTS = Path.of("/sys/kernel/tracing/kprobe_events");

        private LegacyKprobe() {}

        static boolean available() {
            return Files.isWritable(EVENTS);
        }

        static Kprobe attach(Program program, Spec spec, String what) {
            boolean ret = spec.point() == ProbePoint.RETURN;
            String event = "bpf4j_" + ProcessHandle.current().pid() + "_"
                    + spec.function().replaceAll("[^A-Za-z0-9_]", "_") + "_" + System.nanoTime() % 100000;
            String def = (ret ? "r" : "p") + ":bpf4j/" + event + " " + spec.function()
                    + (spec.offset() != 0 ? "+" + spec.offset() : "") + "\n";
            try {
                Files.writeString(EVENTS, def, java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                throw new BpfException(
                        "cannot add legacy " + what + " for program \"" + program.name() + "\" to " + EVENTS + ": "
                                + e.getMessage(),
                        e);
            }
            Runnable remove = () -> {
                try {
                    Files.writeString(EVENTS, "-:bpf4j/" + event + "\n", java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException ignored) {
                    // the event stays until the next reboot; nothing else to do
                }
            };
            try {
                int id = Tracepoint.id("bpf4j", event);
                Fd fd = PerfEvents.open(PerfEvents.Attr.of(PerfEvents.TYPE_TRACEPOINT, id), -1, 0, what);
                Kprobe k = new Kprobe(PerfLinks.attach(program, fd, what, spec.cookie()));
                k.onClose(remove);
                return k;
            } catch (RuntimeException e) {
                remove.run();
                throw e;
            }
        }
    }

    /** The PMU of kprobes and uprobes: its type number and the config bit of return probes. */
    static final class ProbePmu {
        private ProbePmu() {}

        static int type(Path pmu, String feature, String config) {
            Path t = pmu.resolve("type");
            if (!Files.exists(t)) {
                throw new NotSupportedException(
                        feature + " (no " + pmu + "; the kernel was built without " + config + ")",
                        "4.17",
                        0,
                        "perf_event_open",
                        "");
            }
            try {
                return Integer.parseInt(Files.readString(t).trim());
            } catch (java.io.IOException | NumberFormatException e) {
                throw new BpfException("cannot read " + t, e);
            }
        }

        /** The bit of {@code config} that makes a return probe, from {@code format/retprobe} ("config:0"). */
        static int retprobeBit(Path pmu) {
            try {
                String f = Files.readString(pmu.resolve("format").resolve("retprobe"))
                        .trim();
                return Integer.parseInt(f.substring(f.indexOf(':') + 1));
            } catch (java.io.IOException | RuntimeException e) {
                return 0; // the kernel's fixed value since the PMU exists
            }
        }
    }
}
