package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.RecordCodec;
import io.bpf4j.codec.StructValue;
import io.bpf4j.perf.PerfBuffer;
import io.bpf4j.perf.SampleDecoder;
import io.bpf4j.ringbuf.RecordDecoder;
import io.bpf4j.ringbuf.RingBuffer;
import io.bpf4j.ringbuf.RingFanout;
import io.bpf4j.testing.Kernel;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ring and perf records decoded by naming their BTF struct; one ring fanned out to several subscribers. */
class TypedEventsLoadTest {
    record ExecLike(long pid, long uid, String comm, long seq) {}

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void ringAndPerfRecordsDecodeByStructName() {
        try (BpfObject obj = TypedValuesObject.spec().load();
                RingBuffer rb = RingBuffer.open(obj.map("events"));
                PerfBuffer perf = PerfBuffer.open(obj.map("perf_events"), 4, (cpu, n) -> {})) {
            obj.program("emit").testRun(TestRunOptions.data(new byte[64]).withRepeat(3));
            BtfCodec dynamic = ObjectTypes.struct(obj, "exec_like");
            List<StructValue> got = new ArrayList<>();
            assertEquals(3, rb.consume(RecordDecoder.of(dynamic, v -> got.add((StructValue) v))));
            assertEquals(
                    List.of(1000L, 1001L, 1002L),
                    got.stream().map(v -> v.getLong("pid")).toList());
            assertEquals("typed", got.get(0).getString("comm"));
            assertEquals(7L, got.get(2).get("uid"));

            List<ExecLike> samples = new ArrayList<>();
            RecordCodec<ExecLike> bound = ObjectTypes.bind(obj, MethodHandles.lookup(), ExecLike.class, "exec_like");
            assertEquals(3, perf.poll(Duration.ofSeconds(1), SampleDecoder.of(bound, samples::add)));
            assertEquals(new ExecLike(1000, 7, "typed", 0), samples.get(0));
            assertEquals(2, samples.get(2).seq());

            // A codec of another struct does not silently read a wrong layout.
            obj.program("emit").testRun(TestRunOptions.data(new byte[64]));
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> rb.consume(RecordDecoder.of(ObjectTypes.struct(obj, "flow_stats"), v -> {})));
            assertTrue(e.getMessage().startsWith("ring record of 32 bytes, the codec (BtfCodec["), e.getMessage());
            assertTrue(e.getMessage().endsWith("STRUCT 'flow_stats']) reads 24"), e.getMessage());
            IllegalArgumentException p = assertThrows(
                    IllegalArgumentException.class,
                    () -> perf.poll(
                            Duration.ofSeconds(1), SampleDecoder.of(ObjectTypes.struct(obj, "flow_stats"), v -> {})));
            assertTrue(p.getMessage().startsWith("perf sample of 36 bytes on CPU "), p.getMessage());
        }
    }

    @Test
    void fanOutDeliversEveryRecordToEachSubscriberAndReportsALaggingOne() throws Exception {
        try (BpfObject obj = TypedValuesObject.spec().load();
                RingBuffer rb = RingBuffer.open(obj.map("events"))) {
            RecordCodec<ExecLike> codec = ObjectTypes.bind(obj, MethodHandles.lookup(), ExecLike.class, "exec_like");
            List<Long> fast1 = new CopyOnWriteArrayList<>();
            List<Long> fast2 = new CopyOnWriteArrayList<>();
            List<Long> slow = new CopyOnWriteArrayList<>();
            AtomicLong slowLost = new AtomicLong();
            List<Throwable> fastErrors = new CopyOnWriteArrayList<>();
            try (RingFanout<ExecLike> fan = RingFanout.start(rb, codec, 256)) {
                fan.subscribe(e -> fast1.add(e.seq()), fastErrors::add);
                fan.subscribe(e -> fast2.add(e.seq()), fastErrors::add);
                fan.subscribe(
                        e -> {
                            slow.add(e.seq());
                            sleep(5);
                        },
                        err -> slowLost.addAndGet(((RingFanout.LaggedException) err).lost()));
                int total = 0;
                for (int round = 0; round < 10; round++) {
                    obj.program("emit")
                            .testRun(TestRunOptions.data(new byte[64]).withRepeat(100));
                    total += 100;
                    waitFor(() -> fast1.size() == 10 * 100 || rb.pending() == 0);
                }
                final int want = total;
                waitFor(() -> fast1.size() == want && fast2.size() == want);
                assertEquals(want, fast1.size());
                assertEquals(want, fast2.size());
                for (int i = 0; i < want; i++) {
                    assertEquals(i, fast1.get(i));
                }
                waitFor(() -> slow.size() + slowLost.get() == want);
                assertTrue(slowLost.get() > 0, "the slow subscriber lagged");
                assertEquals(want, slow.size() + slowLost.get(), "what it lost is what it did not get");
                assertEquals(List.of(), fastErrors);
            }
        }
    }

    @Test
    void aThrowingSubscriberGetsItsErrorsAndAClosedOneNothingMore() throws Exception {
        try (BpfObject obj = TypedValuesObject.spec().load();
                RingBuffer rb = RingBuffer.open(obj.map("events"));
                RingFanout<Object> fan = RingFanout.start(rb, ObjectTypes.struct(obj, "exec_like"))) {
            List<Object> good = new CopyOnWriteArrayList<>();
            List<Throwable> thrown = new CopyOnWriteArrayList<>();
            List<Object> stopped = new CopyOnWriteArrayList<>();
            fan.subscribe(good::add, thrown::add);
            fan.subscribe(
                    v -> {
                        throw new IllegalStateException("boom " + ((StructValue) v).getLong("seq"));
                    },
                    thrown::add);
            AutoCloseable later = fan.subscribe(stopped::add, thrown::add);
            obj.program("emit").testRun(TestRunOptions.data(new byte[64]).withRepeat(5));
            waitFor(() -> good.size() == 5 && thrown.size() == 5 && stopped.size() == 5);
            assertEquals(5, good.size());
            assertEquals("boom 4", thrown.get(4).getMessage());
            later.close();
            obj.program("emit").testRun(TestRunOptions.data(new byte[64]).withRepeat(5));
            waitFor(() -> good.size() == 10 && thrown.size() == 10);
            assertEquals(10, good.size());
            assertEquals(5, stopped.size(), "a closed subscription gets nothing more");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }
}
