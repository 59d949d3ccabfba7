package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.NotSupportedException;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;
import io.bpf4j.testing.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** perf_event_open on the real kernel: a software event opens and toggles, hardware is refused. */
class PerfEventsTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void softwareEventOpensEnablesAndDisables() {
        var attr = PerfEvents.Attr.of(PerfEvents.TYPE_SOFTWARE, PerfEvents.SW_CPU_CLOCK)
                .withSampleFreq(99).withFlags(PerfEvents.FLAG_DISABLED);
        try (Fd fd = PerfEvents.open(attr, 0, -1, "cpu_clock on self")) {
            PerfEvents.enable(fd);
            PerfEvents.reset(fd);
            PerfEvents.disable(fd);
            assertTrue(fd.raw() > 2);
        }
    }

    @Test
    void attrLayoutMatchesTheKernelSize() {
        try (Arena a = Arena.ofConfined()) {
            var seg = a.allocate(PerfEvents.ATTR_SIZE);
            PerfEvents.Attr.of(PerfEvents.TYPE_TRACEPOINT, 1234).withSamplePeriod(1).withWakeupEvents(1)
                    .writeTo(seg);
            assertEquals(PerfEvents.TYPE_TRACEPOINT, seg.get(ValueLayout.JAVA_INT, 0));
            assertEquals(136, seg.get(ValueLayout.JAVA_INT, 4));
            assertEquals(1234L, seg.get(ValueLayout.JAVA_LONG, 8));
            assertEquals(1L, seg.get(ValueLayout.JAVA_LONG, 16));
            assertEquals(1, seg.get(ValueLayout.JAVA_INT, 48));
        }
    }

    @Test
    void setBpfWithoutAProgramIsRejectedByTheKernel() {
        var attr = PerfEvents.Attr.of(PerfEvents.TYPE_SOFTWARE, PerfEvents.SW_CPU_CLOCK).withSamplePeriod(1_000_000);
        try (Fd fd = PerfEvents.open(attr, 0, -1, "cpu_clock on self")) {
            BpfException e = assertThrows(BpfException.class, () -> PerfEvents.setBpf(fd, fd.raw()));
            assertTrue(e.errno().isPresent(), e.getMessage());
        }
    }

    @Test
    void hardwareEventIsNotSupportedInThisVm() {
        var attr = PerfEvents.Attr.of(PerfEvents.TYPE_HARDWARE, PerfEvents.HW_CPU_CYCLES).withSampleFreq(99);
        try {
            PerfEvents.open(attr, 0, -1, "hardware cpu-cycles").close();
            // a machine with a PMU: nothing to assert about refusal
        } catch (NotSupportedException e) {
            assertEquals(Errno.ENOENT, e.errno().orElseThrow(), e.getMessage());
            assertTrue(e.getMessage().contains("hardware cpu-cycles"), e.getMessage());
        }
    }
}
