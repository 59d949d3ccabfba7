package io.bpf4j.link;

import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Attaches a KPROBE program to a kernel function's entry (kprobe) or return (kretprobe) through
 * the kprobe PMU ({@code /sys/bus/event_source/devices/kprobe}, Linux 4.17). A kernel built
 * without CONFIG_KPROBES has no such PMU: attaching then fails with {@link NotSupportedException}.
 *
 * <pre>{@code
 * try (Link l = Kprobe.attach(prog, "do_unlinkat", 0, false)) { ... }
 * }</pre>
 */
public final class Kprobe {
    private static final Path PMU = Path.of("/sys/bus/event_source/devices/kprobe");

    private Kprobe() {
    }

    /**
     * Attaches to {@code function} + {@code offset}; {@code ret} for a kretprobe. Without the
     * kprobe PMU (kernels before 4.17) it falls back to a legacy probe written to tracefs's
     * {@code kprobe_events}, removed again when the link closes, as libbpf does.
     */
    public static Link attach(Program program, String function, long offset, boolean ret) {
        String what = (ret ? "kretprobe " : "kprobe ") + function + (offset != 0 ? "+" + offset : "");
        if (!supported() && LegacyKprobe.available()) {
            return LegacyKprobe.attach(program, function, offset, ret, what);
        }
        int type = ProbePmu.type(PMU, "kprobes", "CONFIG_KPROBES");
        int retBit = ret ? ProbePmu.retprobeBit(PMU) : -1;
        try (Arena arena = Arena.ofConfined()) {
            long name = arena.allocateFrom(function).address();
            PerfEvents.Attr attr = new PerfEvents.Attr(type, ret ? 1L << retBit : 0, 0, 0, 0, 0, name, offset);
            Fd fd = PerfEvents.open(attr, -1, 0, what);
            try {
                return Tracepoint.attachPerfEvent(program, fd, what);
            } catch (RuntimeException e) {
                fd.close();
                throw e;
            }
        }
    }

    /** Whether this kernel has the kprobe PMU (the legacy tracefs interface is tried as well on attach). */
    public static boolean supported() {
        return Files.exists(PMU.resolve("type"));
    }

    /** Legacy kprobes through tracefs {@code kprobe_events}: a named event, then a tracepoint-style perf event on it. */
    static final class LegacyKprobe {
        private static final Path EVENTS = Path.of("/sys/kernel/tracing/kprobe_events");

        private LegacyKprobe() {
        }

        static boolean available() {
            return Files.isWritable(EVENTS);
        }

        static Link attach(Program program, String function, long offset, boolean ret, String what) {
            String event = "bpf4j_" + ProcessHandle.current().pid() + "_" + function.replaceAll("[^A-Za-z0-9_]", "_")
                    + "_" + System.nanoTime() % 100000;
            String def = (ret ? "r" : "p") + ":bpf4j/" + event + " " + function + (offset != 0 ? "+" + offset : "") + "\n";
            try {
                Files.writeString(EVENTS, def, java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                throw new io.bpf4j.BpfException("cannot add legacy " + what + " to " + EVENTS + ": " + e.getMessage(), e);
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
                try {
                    return Tracepoint.attachPerfEvent(program, fd, what).onClose(remove);
                } catch (RuntimeException e) {
                    fd.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                remove.run();
                throw e;
            }
        }
    }

    /** The PMU of kprobes and uprobes: its type number and the config bit of return probes. */
    static final class ProbePmu {
        private ProbePmu() {
        }

        static int type(Path pmu, String feature, String config) {
            Path t = pmu.resolve("type");
            if (!Files.exists(t)) {
                throw new NotSupportedException(feature + " (no " + pmu + "; the kernel was built without " + config + ")",
                        "4.17", 0, "perf_event_open", "");
            }
            try {
                return Integer.parseInt(Files.readString(t).trim());
            } catch (java.io.IOException | NumberFormatException e) {
                throw new io.bpf4j.BpfException("cannot read " + t, e);
            }
        }

        /** The bit of {@code config} that makes a return probe, from {@code format/retprobe} ("config:0"). */
        static int retprobeBit(Path pmu) {
            try {
                String f = Files.readString(pmu.resolve("format").resolve("retprobe")).trim();
                return Integer.parseInt(f.substring(f.indexOf(':') + 1));
            } catch (java.io.IOException | RuntimeException e) {
                return 0; // the kernel's fixed value since the PMU exists
            }
        }
    }
}
