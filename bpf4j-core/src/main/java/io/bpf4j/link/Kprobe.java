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

    /** Attaches to {@code function} + {@code offset}; {@code ret} for a kretprobe. */
    public static Link attach(Program program, String function, long offset, boolean ret) {
        String what = (ret ? "kretprobe " : "kprobe ") + function + (offset != 0 ? "+" + offset : "");
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

    /** Whether this kernel can attach kprobes (has the kprobe PMU). */
    public static boolean supported() {
        return Files.exists(PMU.resolve("type"));
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
