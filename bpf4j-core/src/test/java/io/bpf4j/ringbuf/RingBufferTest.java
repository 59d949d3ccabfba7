package io.bpf4j.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfMap;
import io.bpf4j.BpfObject;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TestRunOptions;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.Kernel;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ring buffer reading with records made by a real BPF program (XDP run through BPF_PROG_TEST_RUN). */
class RingBufferTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static void run(BpfObject obj, String program, int times) {
        obj.program(program).testRun(TestRunOptions.data(new byte[64]).withRepeat(times));
    }

    @Test
    void everyRecordOnceInOrderAcrossWrapAround() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"))) {
            List<Long> seqs = new ArrayList<>();
            // 16 KiB ring, 56 bytes a record: 8 rounds of 200 go round the ring several times.
            for (int round = 0; round < 8; round++) {
                run(obj, "emit", 200);
                int n = rb.consume(rec -> {
                    assertEquals(48, rec.byteSize());
                    long seq = rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                    assertEquals(1, rec.get(ValueLayout.JAVA_INT_UNALIGNED, 8));
                    assertEquals((byte) (seq + 35), rec.get(ValueLayout.JAVA_BYTE, 12 + 35));
                    seqs.add(seq);
                });
                assertEquals(200, n);
            }
            assertEquals(1600, seqs.size());
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i, seqs.get(i));
            }
            assertEquals(1600, rb.processed());
            assertEquals(0, rb.pending());
        }
    }

    @Test
    void recordsWhoseLengthChangesArriveOnceInOrderWithTheirOwnLengths() {
        // 56- and 48-byte records alternate in short runs, for several laps of the 16 KiB ring: the
        // reader reads runs of equal headers, and each change of length must end a run.
        int[] runs = {5, 1, 7, 3, 1, 1, 4};
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"))) {
            List<Long> expectedLengths = new ArrayList<>();
            List<Long> seqs = new ArrayList<>();
            List<Long> lengths = new ArrayList<>();
            for (int round = 0; round < 40; round++) {
                for (int i = 0; i < runs.length; i++) {
                    boolean full = (i + round) % 2 == 0;
                    run(obj, full ? "emit" : "emit_short", runs[i]);
                    expectedLengths.addAll(java.util.Collections.nCopies(runs[i], full ? 48L : 40L));
                }
                rb.consume(rec -> {
                    long seq = rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                    assertEquals((byte) (seq + 27), rec.get(ValueLayout.JAVA_BYTE, 12 + 27), "payload of " + seq);
                    seqs.add(seq);
                    lengths.add(rec.byteSize());
                });
            }
            assertEquals(expectedLengths.size(), seqs.size(), "every record once");
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i, seqs.get(i), "in order");
            }
            assertEquals(expectedLengths, lengths);
        }
    }

    @Test
    void aViewKeptPastItsDrainThrowsInsteadOfReadingTheRing() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"))) {
            run(obj, "emit", 3);
            List<java.lang.foreign.MemorySegment> kept = new ArrayList<>();
            assertEquals(3, rb.consume(rec -> {
                assertEquals(0, rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) - kept.size(), "readable during the call");
                kept.add(rec);
            }));
            for (var view : kept) {
                assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            }
        }
    }

    /**
     * The hand-back policy: space a drain has passed goes back to the kernel during the drain (every
     * {@link RingBuffer#RELEASE_BYTES}), not when it ends, so a producer writing meanwhile finds it.
     */
    @Test
    void spacePassedDuringADrainIsHandedBackBeforeTheDrainEnds() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"), new DropCounter(obj.map("drops"), 0))) {
            assertEquals(4096, RingBuffer.RELEASE_BYTES, "the figures below assume the 4 KiB default");
            // 16 KiB ring, 56 bytes a record: 280 records leave 704 bytes free.
            run(obj, "emit_counting_drops", 280);
            List<Long> seqs = new ArrayList<>();
            long[] pendingAt200 = new long[1];
            rb.consume(rec -> {
                seqs.add(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
                if (seqs.size() == 200) {
                    // 11,200 bytes read; at least 8,192 of them must be the kernel's again. 130 more
                    // records (7,280 bytes) fit only then: handed back at the drain's end, 118 would drop.
                    pendingAt200[0] = rb.pending();
                    run(obj, "emit_counting_drops", 130);
                }
            });
            assertTrue(
                    pendingAt200[0] <= 280 * 56 - 8192, "the kernel still saw " + pendingAt200[0] + " bytes pending");
            assertEquals(0, rb.dropped().orElseThrow(), "the producer found the space the drain had passed");
            assertEquals(410, seqs.size());
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i, seqs.get(i), "in order");
            }
            assertEquals(0, rb.pending());
        }
    }

    /** A consumer that falls behind: what it processed plus what the producer counted as dropped is everything sent. */
    @Test
    void aSlowConsumerSeesTheProducersDropCount() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"), new DropCounter(obj.map("drops"), 0))) {
            assertEquals(0, rb.dropped().orElseThrow());
            // 16 KiB ring, 56 bytes a record: about 292 fit, so 1000 without reading must drop some.
            run(obj, "emit_counting_drops", 1000);
            long dropped = rb.dropped().orElseThrow();
            List<Long> seqs = new ArrayList<>();
            rb.consume(rec -> seqs.add(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
            assertTrue(dropped > 0 && dropped < 1000, "dropped " + dropped);
            assertEquals(1000, rb.processed() + dropped);
            assertEquals(seqs.size(), rb.processed());
            // The records that made it are the first ones, in order: the ring filled and then refused.
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i, seqs.get(i));
            }
            // Once drained there is room again: nothing more is dropped.
            run(obj, "emit_counting_drops", 10);
            assertEquals(10, rb.consume(rec -> {}));
            assertEquals(dropped, rb.dropped().orElseThrow());
        }
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"))) {
            assertTrue(rb.dropped().isEmpty());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new DropCounter(obj.map("events"), 0));
            assertTrue(e.getMessage().contains("\"events\" is RINGBUF"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new DropCounter(obj.map("drops"), 1));
        }
    }

    @Test
    void discardedRecordsAreSkipped() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"))) {
            run(obj, "emit_some_discarded", 10);
            List<Long> seqs = new ArrayList<>();
            rb.poll(Duration.ofSeconds(1), Codecs.s64(), seqs::add);
            assertEquals(List.of(0L, 2L, 4L, 6L, 8L), seqs);
        }
    }

    @Test
    void aThrowingHandlerDoesNotLoseOrRepeatRecords() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"))) {
            run(obj, "emit", 3);
            List<Long> seen = new ArrayList<>();
            assertThrows(
                    IllegalStateException.class,
                    () -> rb.consume(rec -> {
                        seen.add(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
                        throw new IllegalStateException("handler failed");
                    }));
            rb.consume(rec -> seen.add(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
            assertEquals(List.of(0L, 1L, 2L), seen);
        }
    }

    @Test
    void closeWakesABlockedPoll() throws Exception {
        try (BpfMap map = BpfMap.create(
                MapSpec.builder(MapType.RINGBUF).name("idle").maxEntries(4096).build())) {
            RingBuffer rb = RingBuffer.open(map);
            CompletableFuture<Integer> polled =
                    CompletableFuture.supplyAsync(() -> rb.poll(Duration.ofSeconds(30), r -> {}));
            Thread.sleep(200);
            assertFalse(polled.isDone(), "the poll waits for records");
            rb.close();
            assertEquals(0, polled.get(5, TimeUnit.SECONDS));
            rb.close();
            assertEquals(0, rb.poll(Duration.ofMillis(1), r -> {}));
        }
    }

    @Test
    void onlyRingBufMaps() {
        try (BpfMap map = BpfMap.create(MapSpec.builder(MapType.ARRAY)
                .name("arr")
                .keySize(4)
                .valueSize(4)
                .maxEntries(1)
                .build())) {
            assertThrows(IllegalArgumentException.class, () -> RingBuffer.open(map));
        }
    }
}
