package io.bpf4j.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TestRunOptions;
import io.bpf4j.testing.Kernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Samples of sizes spread over 24..512 bytes (drain_mixed.bpf.c through BPF_PROG_TEST_RUN, the test
 * thread pinned to one CPU) read back through both handler kinds, for many laps of a 32 KiB ring:
 * samples that straddle the ring's end come through the wrap copy.
 */
class MixedSizeSampleTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    /** The size drain_mixed.bpf.c writes for {@code seq}. */
    static int sizeOf(long seq) {
        return 24 + (int) Long.remainderUnsigned(seq * 2654435761L, 489);
    }

    private static void run(BpfObject obj, int times) {
        obj.program("perf_mixed").testRun(TestRunOptions.data(new byte[64]).withRepeat(times));
    }

    /** Checks one sample: the next sequence number, the kernel-padded length, every byte written. */
    private static void check(long[] next, MemorySegment ring, long offset, int length) {
        long seq = ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        assertEquals(next[0], seq, "samples in order, each once");
        int size = sizeOf(seq);
        // The raw sample's size word (4) and data are padded to 8 bytes by the kernel.
        assertEquals(((size + 4 + 7) & ~7) - 4, length, "padded length of sample " + seq + " of " + size + " bytes");
        for (int i = 8; i < size; i++) {
            assertEquals((byte) (seq + i), ring.get(ValueLayout.JAVA_BYTE, offset + i), "byte " + i + " of " + seq);
        }
        next[0]++;
    }

    @Test
    void spansAndSlicesReadEverySampleOfMixedSizesWithItsOwnLength() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("drain_mixed")).load();
                PerfBuffer pb =
                        PerfBuffer.builder(obj.map("perf")).pagesPerCpu(8).open();
                PerfBufferTest.CpuPin _ =
                        PerfBufferTest.CpuPin.current(pb.cpus().get(0))) {
            int pinned = pb.cpus().get(0);
            long[] next = {0};
            for (int round = 0; round < 40; round++) {
                run(obj, 50); // about 14 KiB a round: 18 laps of the 32 KiB ring
                int n;
                if (round % 2 == 0) {
                    n = pb.consumeSpans((cpu, ring, offset, length) -> {
                        assertEquals(pinned, cpu, "the pinned CPU");
                        check(next, ring, offset, length);
                    });
                } else {
                    n = pb.poll(Duration.ofSeconds(5), (cpu, rec) -> check(next, rec, 0, (int) rec.byteSize()));
                }
                assertEquals(50, n, "samples of round " + round);
            }
            assertEquals(2000, next[0]);
            assertEquals(0, pb.lost(), "nothing lost");
        }
    }

    @Test
    void theRingSegmentOfASpanIsDeadOnceTheDrainReturns() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("drain_mixed")).load();
                PerfBuffer pb = PerfBuffer.builder(obj.map("perf")).open();
                PerfBufferTest.CpuPin _ =
                        PerfBufferTest.CpuPin.current(pb.cpus().get(0))) {
            run(obj, 3);
            AtomicReference<MemorySegment> kept = new AtomicReference<>();
            assertEquals(3, pb.consumeSpans((cpu, ring, offset, length) -> kept.set(ring)));
            assertThrows(IllegalStateException.class, () -> kept.get().get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        }
    }
}
