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
             PerfBuffer pb = PerfBuffer.open(obj.map("events"), 1, (cpu, n) -> { throw new AssertionError(n + " lost"); })) {
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
    void lostRecordsAreCountedWithATinyBuffer() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("perf_emit")).load()) {
            AtomicLong reported = new AtomicLong();
            try (PerfBuffer pb = PerfBuffer.open(obj.map("events"), 1, (cpu, n) -> reported.addAndGet(n));
                 CpuPin pin = CpuPin.current(pb.cpus().get(0))) {
                run(obj, 500); // far more than one page holds, all on one CPU's ring
                long samples = pb.consume((cpu, rec) -> { });
                // With room again, the kernel writes the LOST record before the next sample on that
                // CPU's ring; test runs may land on any CPU, so run until one lands there.
                int extra = 0;
                while (reported.get() == 0 && extra < 200) {
                    run(obj, 1);
                    extra++;
                    samples += pb.consume((cpu, rec) -> { });
                }
                assertTrue(reported.get() > 0, "the kernel reported lost records (" + samples + " samples)");
                assertEquals(500 + extra, samples + reported.get(), "every record arrived or was counted lost");
                assertEquals(reported.get(), pb.lost());
            }
        }
    }

    @Test
    void closeWakesABlockedPollAndChecksArguments() throws Exception {
        try (BpfMap arr = BpfMap.create(MapSpec.builder(MapType.PERF_EVENT_ARRAY).name("pe").keySize(4).valueSize(4)
                .maxEntries(io.bpf4j.internal.sys.Cpus.possibleCount()).build())) {
            PerfBuffer pb = PerfBuffer.open(arr, 2, null);
            var polled = java.util.concurrent.CompletableFuture.supplyAsync(() -> pb.poll(Duration.ofSeconds(30), (c, r) -> { }));
            Thread.sleep(200);
            pb.close();
            assertEquals(0, polled.get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertThrows(IllegalArgumentException.class, () -> PerfBuffer.open(arr, 3, null));
        }
        try (BpfMap hash = BpfMap.create(MapSpec.builder(MapType.HASH).name("h").keySize(4).valueSize(4).maxEntries(1).build())) {
            assertThrows(IllegalArgumentException.class, () -> PerfBuffer.open(hash, 1, null));
        }
    }
}
