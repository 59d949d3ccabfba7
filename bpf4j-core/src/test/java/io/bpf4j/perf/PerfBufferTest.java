package io.bpf4j.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfMap;
import io.bpf4j.BpfObject;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TestRunOptions;
import io.bpf4j.testing.Kernel;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Perf buffers fed by a real program (XDP through BPF_PROG_TEST_RUN). */
class PerfBufferTest {
    /** Keeps the test thread on one CPU (sched_setaffinity on the calling thread), so its test runs fill one ring. */
    record CpuPin(java.lang.foreign.Arena arena, java.lang.foreign.MemorySegment old) implements AutoCloseable {
        static CpuPin current(int cpu) {
            var arena = java.lang.foreign.Arena.ofConfined();
            var old = arena.allocate(128);
            io.bpf4j.internal.sys.Libc.syscall(204 /* sched_getaffinity */, 0, 128, old.address());
            var mask = arena.allocate(128);
            mask.set(ValueLayout.JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
            long r = io.bpf4j.internal.sys.Libc.syscall(203 /* sched_setaffinity */, 0, 128, mask.address());
            assertEquals(0, r, "sched_setaffinity");
            return new CpuPin(arena, old);
        }

        @Override
        public void close() {
            io.bpf4j.internal.sys.Libc.syscall(203, 0, 128, old.address());
            arena.close();
        }
    }

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static void run(BpfObject obj, int times) {
        run(obj, "emit", times);
    }

    private static void run(BpfObject obj, String program, int times) {
        obj.program(program).testRun(TestRunOptions.data(new byte[64]).withRepeat(times));
    }

    @Test
    void recordsArriveOnceInOrderPerCpuAcrossWrapAround() {
        // One 4 KiB page per CPU and 64-byte samples: 10 rounds of 40 wrap the ring several times.
        assertOnceInOrder("emit", 35);
    }

    @Test
    void recordsThatStraddleTheRingEndArriveWhole() {
        // 56-byte samples in a 4 KiB ring: every few rounds one sample's body crosses the end.
        assertOnceInOrder("emit_short", 27);
    }

    /** 10 rounds of 40 samples from {@code program}; checks each sample's CPU and its payload byte at {@code lastPayload}. */
    private static void assertOnceInOrder(String program, int lastPayload) {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("perf_emit")).load();
                PerfBuffer pb = PerfBuffer.open(obj.map("events"), 1, (cpu, n) -> {
                    throw new AssertionError(n + " lost");
                })) {
            Map<Integer, List<Long>> byCpu = new HashMap<>();
            for (int round = 0; round < 10; round++) {
                run(obj, program, 40);
                int n = pb.poll(Duration.ofSeconds(1), (cpu, rec) -> {
                    assertTrue(rec.byteSize() >= 12 + lastPayload + 1, "sample of " + rec.byteSize() + " bytes");
                    long seq = rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                    assertEquals(cpu, rec.get(ValueLayout.JAVA_INT_UNALIGNED, 8));
                    assertEquals((byte) (seq * 3 + lastPayload), rec.get(ValueLayout.JAVA_BYTE, 12 + lastPayload));
                    byCpu.computeIfAbsent(cpu, c -> new ArrayList<>()).add(seq);
                });
                assertEquals(40, n);
            }
            List<Long> all = new ArrayList<>();
            for (List<Long> seqs : byCpu.values()) {
                for (int i = 1; i < seqs.size(); i++) {
                    assertTrue(seqs.get(i) > seqs.get(i - 1), "in order per CPU: " + seqs);
                }
                all.addAll(seqs);
            }
            all.sort(null);
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i, all.get(i));
            }
            assertEquals(400, pb.processed());
        }
    }

    @Test
    void samplesWhoseSizeChangesArriveOnceInOrderWithTheirOwnSizes() {
        // 64- and 56-byte records alternate in short runs on one CPU's 4 KiB ring, for several laps:
        // the reader reads runs of equal headers, and each change of size must end a run.
        int[] runs = {5, 1, 7, 3, 1, 1, 4};
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("perf_emit")).load();
                PerfBuffer pb = PerfBuffer.open(obj.map("events"), 1, (cpu, n) -> {
                    throw new AssertionError(n + " lost");
                });
                CpuPin _ = CpuPin.current(pb.cpus().get(0))) {
            List<Long> expectedSizes = new ArrayList<>();
            List<Long> seqs = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            for (int round = 0; round < 12; round++) {
                for (int i = 0; i < runs.length; i++) {
                    boolean full = (i + round) % 2 == 0;
                    run(obj, full ? "emit" : "emit_short", runs[i]);
                    // The sample's data is the raw record as the kernel pads it (libbpf's size too):
                    // 48 bytes + 4 of size = 52 -> 56, so 52; 40 + 4 = 44 -> 48, so 44.
                    expectedSizes.addAll(java.util.Collections.nCopies(runs[i], full ? 52L : 44L));
                }
                pb.consume((cpu, rec) -> {
                    long seq = rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                    assertEquals((byte) (seq * 3 + 27), rec.get(ValueLayout.JAVA_BYTE, 12 + 27), "payload of " + seq);
                    seqs.add(seq);
                    sizes.add(rec.byteSize());
                });
            }
            assertEquals(expectedSizes.size(), seqs.size(), "every sample once");
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i, seqs.get(i), "in order");
            }
            assertEquals(expectedSizes, sizes);
        }
    }

    @Test
    void aViewKeptPastItsDrainThrowsInsteadOfReadingTheRing() {
        // emit_short's 56-byte records in a 4 KiB ring: among 200 some straddle the end and arrive
        // as copies, which must not outlive the drain either.
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("perf_emit")).load();
                PerfBuffer pb = PerfBuffer.open(obj.map("events"), 1, (cpu, n) -> {
                    throw new AssertionError(n + " lost");
                });
                CpuPin _ = CpuPin.current(pb.cpus().get(0))) {
            List<java.lang.foreign.MemorySegment> kept = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                run(obj, "emit_short", 40);
                assertEquals(40, pb.consume((cpu, rec) -> kept.add(rec)));
            }
            for (var view : kept) {
                assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            }
        }
    }

    @Test
    void lostRecordsAreCountedWithATinyBuffer() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("perf_emit")).load()) {
            AtomicLong reported = new AtomicLong();
            try (PerfBuffer pb = PerfBuffer.open(obj.map("events"), 1, (cpu, n) -> reported.addAndGet(n));
                    CpuPin _ = CpuPin.current(pb.cpus().get(0))) {
                run(obj, 500); // far more than one page holds, all on one CPU's ring
                long samples = pb.consume((cpu, rec) -> {});
                // With room again, the kernel writes the LOST record before the next sample on that
                // CPU's ring; test runs may land on any CPU, so run until one lands there.
                int extra = 0;
                while (reported.get() == 0 && extra < 200) {
                    run(obj, 1);
                    extra++;
                    samples += pb.consume((cpu, rec) -> {});
                }
                assertTrue(reported.get() > 0, "the kernel reported lost records (" + samples + " samples)");
                assertEquals(500 + extra, samples + reported.get(), "every record arrived or was counted lost");
                assertEquals(reported.get(), pb.lost());
            }
        }
    }

    @Test
    void closeWakesABlockedPollAndChecksArguments() throws Exception {
        try (BpfMap arr = BpfMap.create(MapSpec.builder(MapType.PERF_EVENT_ARRAY)
                .name("pe")
                .keySize(4)
                .valueSize(4)
                .maxEntries(io.bpf4j.internal.sys.Cpus.possibleCount())
                .build())) {
            PerfBuffer pb = PerfBuffer.open(arr, 2, null);
            var polled = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> pb.poll(Duration.ofSeconds(30), (c, r) -> {}));
            Thread.sleep(200);
            pb.close();
            assertEquals(0, polled.get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertThrows(IllegalArgumentException.class, () -> PerfBuffer.open(arr, 3, null));
        }
        try (BpfMap hash = BpfMap.create(MapSpec.builder(MapType.HASH)
                .name("h")
                .keySize(4)
                .valueSize(4)
                .maxEntries(1)
                .build())) {
            assertThrows(IllegalArgumentException.class, () -> PerfBuffer.open(hash, 1, null));
        }
    }

    /** struct event of perf_emit.bpf.c. */
    record Event(long seq, int cpu, byte[] payload) {}

    private static final io.bpf4j.codec.RecordCodec<Event> EVENT = io.bpf4j.codec.RecordCodec.builder(
                    java.lang.invoke.MethodHandles.lookup(), Event.class)
            .field("seq", io.bpf4j.codec.Codecs.s64())
            .field("cpu", io.bpf4j.codec.Codecs.s32())
            .field("payload", io.bpf4j.codec.Codecs.bytes(36))
            .build();

    @Test
    void aWatermarkHoldsBackThePollUntilEnoughBytesWait() throws Exception {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("perf_emit")).load()) {
            // Control: woken for every sample, a poll returns the 10 samples already there at once.
            try (PerfBuffer pb =
                            PerfBuffer.builder(obj.map("events")).pagesPerCpu(1).open();
                    CpuPin _ = CpuPin.current(pb.cpus().get(0))) {
                run(obj, 10);
                var polled = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> pb.poll(Duration.ofSeconds(10), (c, r) -> {}));
                assertEquals(10, polled.get(5, java.util.concurrent.TimeUnit.SECONDS));
            }
            // 2 KiB watermark: 10 samples (640 bytes) do not wake the poll; 40 more (3200 in all) do.
            try (PerfBuffer pb = PerfBuffer.builder(obj.map("events"))
                            .pagesPerCpu(1)
                            .wakeupWatermark(2048)
                            .open();
                    CpuPin _ = CpuPin.current(pb.cpus().get(0))) {
                run(obj, 10);
                var polled = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> pb.poll(Duration.ofSeconds(10), (c, r) -> {}));
                Thread.sleep(300);
                assertTrue(!polled.isDone(), "a poll below the watermark keeps waiting");
                run(obj, 40);
                // Woken once more than 2 KiB wait (33 samples): the poll may drain while the test
                // run still writes, so the rest is read after it.
                int woken = polled.get(5, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(woken >= 2048 / 64, "woken with " + woken + " samples waiting");
                assertEquals(50, woken + pb.consume((c, r) -> {}));
            }
            var events = obj.map("events");
            var tooBig = assertThrows(IllegalArgumentException.class, () -> PerfBuffer.builder(events)
                    .pagesPerCpu(1)
                    .wakeupWatermark(1 << 20)
                    .open());
            assertTrue(tooBig.getMessage().contains("does not fit"), tooBig.getMessage());
            assertThrows(IllegalArgumentException.class, () -> PerfBuffer.builder(events)
                    .wakeupEvents(0));
        }
    }

    @Test
    void aSubscriptionAndAStreamDeliverDecodedSamples() throws Exception {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("perf_emit")).load();
                PerfBuffer pb =
                        PerfBuffer.builder(obj.map("events")).pagesPerCpu(4).open()) {
            var got = new java.util.concurrent.ConcurrentLinkedQueue<Event>();
            var errors = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
            Subscription sub = pb.subscribe(
                    EVENT,
                    e -> {
                        if (e.seq() == 5) {
                            throw new IllegalStateException("handler refuses 5");
                        }
                        got.add(e);
                    },
                    errors::add);
            try (sub) {
                run(obj, 20);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (got.size() < 19 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(sub.isRunning(), "a throwing handler does not end the subscription");
            }
            assertTrue(!sub.isRunning());
            assertEquals(19, got.size(), "every sample but the refused one");
            assertEquals(1, errors.size());
            assertEquals("handler refuses 5", errors.peek().getMessage());
            for (Event e : got) {
                assertEquals((byte) (e.seq() * 3 + 35), e.payload()[35]);
            }
            assertEquals(
                    java.util.stream.LongStream.range(0, 20)
                            .filter(i -> i != 5)
                            .boxed()
                            .toList(),
                    got.stream().map(Event::seq).sorted().toList());

            run(obj, 10);
            List<Long> streamed =
                    pb.stream(EVENT).limit(10).map(Event::seq).sorted().toList();
            assertEquals(java.util.stream.LongStream.range(20, 30).boxed().toList(), streamed);
        }
    }
}
