package io.bpf4j.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.MapType;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TestRunOptions;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Subscriptions, streams, one poller over several buffers, and the user ring buffer producer. */
class RingBufferApiTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static void emit(BpfObject obj, int n) {
        obj.program("emit").testRun(TestRunOptions.data(new byte[64]).withRepeat(n));
    }

    @Test
    void subscriptionReadsOnItsOwnThreadAndSurvivesAThrowingHandler() throws Exception {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"))) {
            List<Long> seen = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            try (Subscription s = rb.subscribe(
                    rec -> {
                        long seq = rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                        seen.add(seq);
                        if (seq == 3) {
                            throw new IllegalStateException("boom at 3");
                        }
                    },
                    errors::add)) {
                emit(obj, 10);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (seen.size() < 10 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(s.isRunning());
            }
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).getMessage().contains("boom"));
        }
    }

    @Test
    void decodedSubscriptionHandsValuesInOrderAndCodecErrorsToOnError() throws Exception {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer rb = RingBuffer.open(obj.map("events"))) {
            List<Long> seen = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            try (Subscription _ = rb.subscribe(
                    Codecs.s64(),
                    seq -> {
                        if (seq == 2) {
                            throw new IllegalStateException("sink refuses 2");
                        }
                        seen.add(seq);
                    },
                    errors::add)) {
                emit(obj, 6);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (seen.size() < 5 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            assertEquals(List.of(0L, 1L, 3L, 4L, 5L), seen);
            assertEquals(1, errors.size());
            assertThrows(NullPointerException.class, () -> rb.subscribe(null, v -> {}, errors::add));
        }
    }

    @Test
    void streamDecodesInOrderAndEndsOnClose() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load()) {
            RingBuffer rb = RingBuffer.open(obj.map("events"));
            emit(obj, 5);
            List<Long> first = rb.stream(Codecs.s64()).limit(5).toList();
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), first);
            rb.close();
            assertEquals(0, rb.stream(Codecs.s64()).count());
        }
    }

    @Test
    void onePollerOverTwoBuffers() {
        try (BpfObject a = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                BpfObject b = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                RingBuffer ra = RingBuffer.open(a.map("events"));
                RingBuffer rb = RingBuffer.open(b.map("events"));
                RingBufferPoller poller = new RingBufferPoller()) {
            AtomicInteger fromA = new AtomicInteger();
            AtomicInteger fromB = new AtomicInteger();
            poller.add(ra, r -> fromA.incrementAndGet()).add(rb, r -> fromB.incrementAndGet());
            emit(a, 3);
            emit(b, 4);
            int total = 0;
            for (int i = 0; i < 10 && total < 7; i++) {
                total += poller.poll(Duration.ofMillis(200));
            }
            assertEquals(3, fromA.get());
            assertEquals(4, fromB.get());
        }
    }

    @Test
    void userRingBufferFeedsTheProgram() {
        KernelFeature.assumeMapType(MapType.USER_RINGBUF); // user ring buffers: Linux 6.1
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("user_ringbuf")).load();
                UserRingBuffer urb = UserRingBuffer.open(obj.map("requests"))) {
            for (long v = 1; v <= 10; v++) {
                assertTrue(urb.write(Codecs.s64().toBytes(v)));
            }
            MemorySegment skipped = urb.reserve(8).orElseThrow();
            skipped.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 1000);
            urb.discard(skipped);
            obj.program("drain").testRun(TestRunOptions.data(new byte[64]));
            byte[] bss = obj.map(".bss").lookup(new byte[4]).orElseThrow();
            assertEquals(55L, Codecs.s64().fromBytes(bss), "the sum of 1..10, the discarded record skipped");
            assertThrows(IllegalArgumentException.class, () -> urb.reserve(5000));
            int written = 0;
            while (urb.write(new byte[64])) {
                written++;
            }
            assertTrue(written > 0 && written < 4096 / 72 + 1, "the ring fills up: " + written);
            assertFalse(urb.write(new byte[64]));
        }
    }
}
