package io.bpf4j.ringbuf;

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
 * Records of sizes spread over 24..512 bytes (drain_mixed.bpf.c, a tc program run through
 * BPF_PROG_TEST_RUN) read back through both handler kinds, for many laps of a 64 KiB ring.
 */
class MixedSizeDrainTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    /** The record size drain_mixed.bpf.c writes for {@code seq}. */
    static int sizeOf(long seq) {
        return 24 + (int) Long.remainderUnsigned(seq * 2654435761L, 489);
    }

    private static void run(BpfObject obj, int times) {
        obj.program("ring_mixed").testRun(TestRunOptions.data(new byte[64]).withRepeat(times));
    }

    /** Checks one record: its sequence number is the next, its length and every byte as written. */
    private static void check(long[] next, MemorySegment ring, long offset, int length) {
        long seq = ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        assertEquals(next[0], seq, "records in order, each once");
        assertEquals(sizeOf(seq), length, "length of record " + seq);
        for (int i = 8; i < length; i++) {
            assertEquals((byte) (seq + i), ring.get(ValueLayout.JAVA_BYTE, offset + i), "byte " + i + " of " + seq);
        }
        next[0]++;
    }

    @Test
    void spansAndSlicesReadEveryRecordOfMixedSizesWithItsOwnLength() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("drain_mixed")).load();
                RingBuffer rb = RingBuffer.open(obj.map("ring"))) {
            long[] next = {0};
            int total = 0;
            // 100 records (about 27 KiB) a round, 40 rounds: about 17 laps of the ring, alternating
            // the handler kinds and consume with poll.
            for (int round = 0; round < 40; round++) {
                run(obj, 100);
                int n;
                if (round % 2 == 0) {
                    n = rb.consumeSpans((ring, offset, length) -> check(next, ring, offset, length));
                } else {
                    n = rb.poll(Duration.ofSeconds(5), rec -> check(next, rec, 0, (int) rec.byteSize()));
                }
                assertEquals(100, n, "records of round " + round);
                total += n;
            }
            assertEquals(4000, total);
            assertEquals(4000, next[0]);
            assertEquals(0, rb.pending(), "all space handed back");
        }
    }

    @Test
    void theRingSegmentOfASpanIsDeadOnceTheDrainReturns() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("drain_mixed")).load();
                RingBuffer rb = RingBuffer.open(obj.map("ring"))) {
            run(obj, 3);
            AtomicReference<MemorySegment> kept = new AtomicReference<>();
            assertEquals(3, rb.consumeSpans((ring, offset, length) -> kept.set(ring)));
            assertThrows(IllegalStateException.class, () -> kept.get().get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        }
    }

    @Test
    void aThrowingSpanHandlerStopsAfterItsRecordWhichIsNotDeliveredAgain() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("drain_mixed")).load();
                RingBuffer rb = RingBuffer.open(obj.map("ring"))) {
            run(obj, 10);
            long[] next = {0};
            assertThrows(
                    IllegalStateException.class,
                    () -> rb.consumeSpans((ring, offset, length) -> {
                        check(next, ring, offset, length);
                        if (next[0] == 4) {
                            throw new IllegalStateException("stop");
                        }
                    }));
            assertEquals(6, rb.consumeSpans((ring, offset, length) -> check(next, ring, offset, length)));
            assertEquals(10, next[0]);
        }
    }
}
