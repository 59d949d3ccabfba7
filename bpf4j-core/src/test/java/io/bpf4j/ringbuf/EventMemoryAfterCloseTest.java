package io.bpf4j.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.MapType;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TestRunOptions;
import io.bpf4j.codec.Codecs;
import io.bpf4j.perf.PerfBuffer;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ring, user ring and perf buffers used after and while they are closed: every use fails with
 * IllegalStateException (or reads nothing), never with a crash of the JVM; bad arguments fail
 * before anything is touched; a forgotten reader's pages are unmapped.
 */
class EventMemoryAfterCloseTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static void emit(BpfObject obj, String program, int n) {
        obj.program(program).testRun(TestRunOptions.data(new byte[64]).withRepeat(n));
    }

    @Test
    void ringPendingAfterCloseThrowsInsteadOfReadingUnmappedPages() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load()) {
            RingBuffer rb = RingBuffer.open(obj.map("events"));
            emit(obj, "emit", 3);
            assertEquals(3 * 56, rb.pending());
            rb.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, rb::pending);
            assertTrue(e.getMessage().contains("\"events\" is closed"), e.getMessage());
            assertEquals(0, rb.consume(rec -> {}), "a closed reader reads nothing");
        }
    }

    @Test
    void userRingSegmentAndSubmitAfterCloseThrow() {
        KernelFeature.assumeMapType(MapType.USER_RINGBUF); // user ring buffers: Linux 6.1
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("user_ringbuf")).load()) {
            UserRingBuffer urb = UserRingBuffer.open(obj.map("requests"));
            MemorySegment rec = urb.reserve(8).orElseThrow();
            urb.close();
            assertThrows(IllegalStateException.class, () -> rec.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 7));
            assertThrows(IllegalStateException.class, () -> rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            assertThrows(IllegalStateException.class, () -> urb.submit(rec));
            assertThrows(IllegalStateException.class, () -> urb.discard(rec));
            assertThrows(IllegalStateException.class, () -> urb.reserve(8));
            assertThrows(IllegalStateException.class, () -> urb.write(new byte[8]));
            urb.close(); // idempotent
        }
    }

    @Test
    void reserveOfAnImpossibleLengthThrowsAndLeavesTheRingAsItWas() {
        KernelFeature.assumeMapType(MapType.USER_RINGBUF); // user ring buffers: Linux 6.1
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("user_ringbuf")).load();
                UserRingBuffer urb = UserRingBuffer.open(obj.map("requests"))) {
            for (int bad : new int[] {
                Integer.MAX_VALUE, Integer.MAX_VALUE - 7, Integer.MAX_VALUE - 15, 4089, 0, -1, Integer.MIN_VALUE
            }) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> urb.reserve(bad));
                assertTrue(e.getMessage().contains("\"requests\""), e.getMessage());
            }
            for (long v = 1; v <= 4; v++) {
                assertTrue(urb.write(Codecs.s64().toBytes(v)));
            }
            obj.program("drain").testRun(TestRunOptions.data(new byte[64]));
            byte[] bss = obj.map(".bss").lookup(new byte[4]).orElseThrow();
            assertEquals(10L, Codecs.s64().fromBytes(bss), "the BPF side sees every record written after the refusals");
        }
    }

    @Test
    void aSegmentNotReservedHereIsRefused() {
        KernelFeature.assumeMapType(MapType.USER_RINGBUF); // user ring buffers: Linux 6.1
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("user_ringbuf")).load();
                UserRingBuffer urb = UserRingBuffer.open(obj.map("requests"))) {
            MemorySegment rec = urb.reserve(16).orElseThrow();
            assertThrows(IllegalArgumentException.class, () -> urb.submit(rec.asSlice(0, 8)));
            assertThrows(IllegalArgumentException.class, () -> urb.submit(rec.asSlice(8, 8)));
            assertThrows(IllegalArgumentException.class, () -> urb.submit(MemorySegment.ofArray(new byte[16])));
            urb.submit(rec);
            assertThrows(IllegalStateException.class, () -> urb.submit(rec));
        }
    }

    @Test
    void pollRefusesANullHandlerAndANegativeTimeout() {
        try (BpfObject ring = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                BpfObject perf = ObjectSpec.read(Kernel.bpfObject("perf_emit")).load();
                RingBuffer rb = RingBuffer.open(ring.map("events"));
                PerfBuffer pb = PerfBuffer.open(perf.map("events"), 2, null);
                RingBufferPoller poller = new RingBufferPoller()) {
            poller.add(rb, rec -> {});
            // Empty buffers: nothing would ever call the handler, so only a check up front catches it.
            assertThrows(NullPointerException.class, () -> rb.poll(Duration.ZERO, (RecordHandler) null));
            assertThrows(NullPointerException.class, () -> rb.consume(null));
            assertThrows(NullPointerException.class, () -> pb.poll(Duration.ZERO, (io.bpf4j.perf.SampleHandler) null));
            assertThrows(NullPointerException.class, () -> pb.consume(null));
            // A negative timeout must fail at once, not wait forever (epoll_wait's -1).
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertThrows(IllegalArgumentException.class, () -> rb.poll(Duration.ofMillis(-1), rec -> {}));
                assertThrows(IllegalArgumentException.class, () -> pb.poll(Duration.ofMillis(-1), (cpu, rec) -> {}));
                assertThrows(IllegalArgumentException.class, () -> poller.poll(Duration.ofSeconds(-5)));
            });
            emit(ring, "emit", 2);
            assertThrows(IllegalArgumentException.class, () -> rb.poll(Duration.ofMillis(-1), rec -> {}));
            assertEquals(2 * 56, rb.pending(), "the refused calls read nothing");
            assertEquals(2, rb.poll(Duration.ZERO, rec -> {}));
        }
    }

    @Test
    void forgottenReadersAndWritersAreUnmapped() throws Exception {
        KernelFeature.assumeMapType(MapType.USER_RINGBUF); // user ring buffers: Linux 6.1
        try (BpfObject ring = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                BpfObject user =
                        ObjectSpec.read(Kernel.bpfObject("user_ringbuf")).load()) {
            long before = bpfMappings();
            for (int i = 0; i < 10; i++) {
                RingBuffer.open(ring.map("events"));
                UserRingBuffer.open(user.map("requests"));
            }
            assertTrue(bpfMappings() >= before + 20, "each opens two mappings");
            // Bounded generously: in an emulated guest (scripts/vm-test.sh) on a busy host the GC
            // and the Cleaner thread took more than 10 s; a mapping never unmapped still fails.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (bpfMappings() > before && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(before, bpfMappings(), "the Cleaner unmaps what was forgotten");
            // The forgetting is deliberate here: collect what the Cleaners report (FdLeakCheck
            // would fail the class on it) and check that each forgotten reader was reported.
            List<String> released = new ArrayList<>();
            for (int quiet = 0; quiet < 3; ) {
                System.gc();
                Thread.sleep(20);
                List<String> more = io.bpf4j.internal.sys.Leaks.drain();
                released.addAll(more);
                quiet = more.isEmpty() ? quiet + 1 : 0;
            }
            assertTrue(
                    released.stream().filter(r -> r.startsWith("mappings of")).count() >= 20,
                    "every forgotten reader and writer is reported: " + released.size() + " releases");
            RingBuffer closed = RingBuffer.open(ring.map("events"));
            closed.close();
            assertEquals(before, bpfMappings(), "close unmaps at once");
        }
    }

    /** Lines of /proc/self/maps that map a BPF map (anon_inode:bpf-map). */
    private static long bpfMappings() throws IOException {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains("bpf-map")).count();
        }
    }

    /**
     * Several threads use a ring buffer, a user ring buffer and a perf buffer (drain, poll,
     * pending, reserve, write into reserved segments, submit, keep views past their drain) while
     * the main thread closes them, round after round for a few seconds. The only failure allowed
     * is IllegalStateException; the JVM must survive.
     */
    @Test
    void useFromSeveralThreadsWhileAndAfterClosingNeverCrashes() throws Exception {
        KernelFeature.assumeMapType(MapType.USER_RINGBUF); // user ring buffers: Linux 6.1
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        long rounds = 0;
        try (BpfObject ring = ObjectSpec.read(Kernel.bpfObject("ringbuf_emit")).load();
                BpfObject user =
                        ObjectSpec.read(Kernel.bpfObject("user_ringbuf")).load();
                BpfObject perf = ObjectSpec.read(Kernel.bpfObject("perf_emit")).load()) {
            // 3 s, and at least 6 rounds: an emulated guest on a busy host managed 3 rounds in
            // 3 s; 120 s bounds the rounds there.
            long end = System.nanoTime() + 3_000_000_000L;
            long hardEnd = System.nanoTime() + 120_000_000_000L;
            while ((System.nanoTime() < end || rounds <= 5) && System.nanoTime() < hardEnd && unexpected.isEmpty()) {
                rounds++;
                RingBuffer rb = RingBuffer.open(ring.map("events"));
                UserRingBuffer urb = UserRingBuffer.open(user.map("requests"));
                PerfBuffer pb = PerfBuffer.open(perf.map("events"), 2, null);
                emit(ring, "emit", 50);
                emit(perf, "emit", 50);
                CountDownLatch started = new CountDownLatch(3);
                List<Thread> users = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    users.add(Thread.ofPlatform().start(() -> {
                        started.countDown();
                        useUntilLongAfterClose(rb, urb, pb, unexpected);
                    }));
                }
                started.await();
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
                rb.close();
                urb.close();
                pb.close();
                for (Thread t : users) {
                    t.join();
                }
            }
        }
        long done = rounds;
        assertTrue(unexpected.isEmpty(), () -> "unexpected: " + unexpected + " (in " + done + " rounds)");
    }

    private static void useUntilLongAfterClose(
            RingBuffer rb, UserRingBuffer urb, PerfBuffer pb, List<Throwable> unexpected) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        List<MemorySegment> kept = new ArrayList<>();
        int afterClose = 0;
        while (afterClose < 300) {
            if (rb.isClosed() && urb.isClosed() && pb.isClosed()) {
                afterClose++;
            }
            try {
                switch (rnd.nextInt(9)) {
                    case 0 -> rb.pending();
                    case 1 ->
                        rb.consume(rec -> {
                            rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                            if (kept.size() < 4) {
                                kept.add(rec);
                            }
                        });
                    case 2 -> rb.poll(Duration.ZERO, rec -> rec.get(ValueLayout.JAVA_BYTE, rec.byteSize() - 1));
                    case 3 -> {
                        Optional<MemorySegment> r = urb.reserve(8 + 8 * rnd.nextInt(4));
                        if (r.isPresent()) {
                            r.get().fill((byte) 1);
                            kept.add(r.get());
                            urb.submit(r.get());
                        }
                    }
                    case 4 -> urb.write(new byte[16]);
                    case 5 -> pb.consume((cpu, rec) -> rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
                    case 6 ->
                        pb.poll(Duration.ZERO, (cpu, rec) -> {
                            if (kept.size() < 4) {
                                kept.add(rec);
                            }
                        });
                    case 7 -> {
                        for (MemorySegment m : kept) {
                            m.get(ValueLayout.JAVA_BYTE, 0);
                        }
                    }
                    default -> {
                        if (!kept.isEmpty()) {
                            kept.get(rnd.nextInt(kept.size())).set(ValueLayout.JAVA_BYTE, 0, (byte) 2);
                        }
                    }
                }
            } catch (IllegalStateException expected) {
                kept.removeIf(m -> !m.scope().isAlive());
            } catch (RuntimeException | Error e) {
                unexpected.add(e);
                return;
            }
        }
        if (kept.stream().anyMatch(m -> m.scope().isAlive())) {
            unexpected.add(new AssertionError("a segment into a closed buffer is still alive"));
        }
    }
}
