package io.bpf4j.bench;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TestRunOptions;
import io.bpf4j.perf.PerfBuffer;
import io.bpf4j.perf.SampleHandler;
import io.bpf4j.perf.SampleSpanHandler;
import io.bpf4j.ringbuf.RecordHandler;
import io.bpf4j.ringbuf.RingBuffer;
import io.bpf4j.ringbuf.SpanHandler;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;

/**
 * bpf4j's side of bpf4j-bench/c/drain_bench.c, the same loop line for line over the same object
 * (bpf/drain_bench.bpf.o): whole-ring drains of streams of one size, two alternating sizes and sizes
 * spread over 24..512 bytes, and small batches (K records written, then one poll that sees the
 * kernel's wake-up and drains them). Not JMH: both sides time exactly the same calls, one row per JVM
 * (so the JIT's profile is that row's), after warm-up rounds that C needs no more than one of.
 * Usage: {@code DrainBench OBJECT ROUNDS ROW...}; prints "ROW median mean min" in ns per record
 * (the median, mean and minimum over rounds of each round's ns per record).
 */
public final class DrainBench {
    /** Extra work per record in the release-policy experiment (xorshift rounds, about 1.5 ns each). */
    private static final int WORK = Integer.getInteger("drainbench.work", 0);

    private static long sink;
    private static long seen;

    private static final RecordHandler RECORD = rec -> {
        sink += rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        seen++;
    };
    private static final SpanHandler SPAN = (ring, offset, length) -> {
        sink += ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        seen++;
    };
    private static final SampleSpanHandler SAMPLE_SPAN = (cpu, ring, offset, length) -> {
        sink += ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        seen++;
    };
    /**
     * With {@code -Ddrainbench.spans=true} the rows read through {@code consumeSpans}/{@code pollSpans}
     * (a place in the ring per record) instead of a {@code MemorySegment} slice per record; the row is
     * printed as ROW.span.
     */
    private static final boolean SPANS = Boolean.getBoolean("drainbench.spans");

    private static final SampleHandler SAMPLE = (cpu, rec) -> {
        sink += rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        seen++;
    };

    private DrainBench() {}

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: DrainBench OBJECT ROUNDS ROW...");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[1]);
        try (BpfObject obj = ObjectSpec.read(Path.of(args[0])).load();
                RingBuffer rb = RingBuffer.open(obj.map("ring"));
                PerfBuffer pb = PerfBuffer.builder(obj.map("perf"))
                        .pagesPerCpu(8192)
                        .onLost((cpu, n) -> {
                            throw new IllegalStateException(
                                    n + " samples lost: the ring is too small for the benchmark");
                        })
                        .open()) {
            for (int a = 2; a < args.length; a++) {
                String row = args[a];
                if (row.equals("small_drops")) {
                    drops(obj, rounds);
                    continue;
                }
                boolean perf = row.startsWith("perf");
                int batch = row.indexOf("_batch");
                double total = 0;
                long records = 0;
                // Per-round ns per record: the median is what the ratio uses, since on a shared machine a
                // round the scheduler preempted moves the mean by far more than the code's difference.
                double[] perRecord;
                if (row.endsWith("_idle")) {
                    // The fixed cost of a poll: 1,000 polls with a zero timeout of an empty buffer per round.
                    int measured = 200;
                    perRecord = new double[measured];
                    warmRounds(20, () -> {
                        for (int i = 0; i < 1000; i++) {
                            if (perf) {
                                perfPoll(pb, Duration.ZERO);
                            } else {
                                ringPoll(rb, Duration.ZERO);
                            }
                        }
                    });
                    for (int r = 0; r < measured; r++) {
                        long t0 = System.nanoTime();
                        for (int i = 0; i < 1000; i++) {
                            if (perf) {
                                perfPoll(pb, Duration.ZERO);
                            } else {
                                ringPoll(rb, Duration.ZERO);
                            }
                        }
                        long t = System.nanoTime() - t0;
                        perRecord[r] = t / 1000.0;
                        total += t;
                        records += 1000;
                    }
                } else if (batch >= 0) {
                    int k = Integer.parseInt(row.substring(batch + 6));
                    String prog = perf ? "perf_same" : "ring_same";
                    int measured = 200_000 / k;
                    perRecord = new double[measured];
                    // The per-poll code (gate, epoll call, arena) runs once per poll: a few hundred rounds
                    // leave it in the interpreter or C1 (tens of us a poll) while the per-record loop is
                    // long compiled. A long-running consumer polls far more often: 30,000 polls of 8
                    // records first, so the rows measure the compiled poll path.
                    for (int i = 0; i < 30_000; i++) {
                        fill(obj, prog, 8);
                        seen = 0;
                        while (seen < 8) {
                            if (perf) {
                                perfPoll(pb, Duration.ofSeconds(1));
                            } else {
                                ringPoll(rb, Duration.ofSeconds(1));
                            }
                        }
                    }
                    // C warms up a tenth; the JIT needs its code compiled: more rounds before measuring.
                    int warm = Math.max(measured / 10, 2_000 * 100 / k + 20);
                    warm = warmRounds(warm, () -> {
                        fill(obj, prog, k);
                        seen = 0;
                        while (seen < k) {
                            if (perf) {
                                perfPoll(pb, Duration.ofSeconds(1));
                            } else {
                                ringPoll(rb, Duration.ofSeconds(1));
                            }
                        }
                    });
                    for (int r = warm; r < warm + measured; r++) {
                        fill(obj, prog, k);
                        seen = 0;
                        long t0 = System.nanoTime();
                        while (seen < k) {
                            if (perf) {
                                perfPoll(pb, Duration.ofSeconds(1));
                            } else {
                                ringPoll(rb, Duration.ofSeconds(1));
                            }
                        }
                        long t = System.nanoTime() - t0;
                        perRecord[r - warm] = (double) t / seen;
                        total += t;
                        records += seen;
                    }
                } else {
                    int n = fillCount(row);
                    perRecord = new double[rounds];
                    int warm = Math.max(1, 3_000_000 / n); // about 3 million records through the drain first
                    warm = warmRounds(warm, () -> {
                        fill(obj, row, n);
                        if (perf) {
                            perfConsume(pb);
                        } else {
                            ringConsume(rb);
                        }
                    });
                    for (int r = warm; r < warm + rounds; r++) {
                        fill(obj, row, n);
                        seen = 0;
                        long t0 = System.nanoTime();
                        if (perf) {
                            perfConsume(pb);
                        } else {
                            ringConsume(rb);
                        }
                        long t = System.nanoTime() - t0;
                        if (seen != n) {
                            throw new IllegalStateException(row + ": " + seen + " records of " + n);
                        }
                        perRecord[r - warm] = (double) t / seen;
                        total += t;
                        records += seen;
                    }
                }
                java.util.Arrays.sort(perRecord);
                System.out.printf(
                        "%s %.2f %.2f %.2f%n",
                        SPANS ? row + ".span" : row, perRecord[perRecord.length / 2], total / records, perRecord[0]);
            }
        }
        if (sink == 42) {
            System.out.println(); // keeps the reads alive
        }
    }

    /**
     * The release-policy experiment: a producer thread writes spread-size records into a 256 KiB
     * ring without pause while this thread drains it (with {@code -Ddrainbench.work=N} rounds of
     * extra work per record); space handed back late shows as drops; prints the share of records
     * the producer dropped. The policy is the reader's
     * {@code bpf4j.ringbuf.releaseBytes} (how many bytes it reads between hand-backs).
     */
    private static void drops(BpfObject obj, int seconds) {
        try (RingBuffer small = RingBuffer.open(obj.map("small"))) {
            var bss = obj.map(".bss");
            byte[] zero = new byte[4];
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread producer = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    fill(obj, "small_spread", 10_000);
                }
            });
            long before = System.nanoTime();
            long[] work = new long[1];
            RecordHandler slow = rec -> {
                long x = rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                for (int i = 0; i < WORK; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                }
                work[0] += x;
            };
            while (System.nanoTime() - before < seconds * 1_000_000_000L) {
                small.poll(Duration.ofMillis(100), slow);
            }
            stop.set(true);
            try {
                producer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            small.consume(slow);
            byte[] v = bss.lookup(zero).orElseThrow();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(v).order(java.nio.ByteOrder.nativeOrder());
            long dropped = b.getLong(8); // .bss: seq, dropped, written (state is in .data)
            long written = b.getLong(16);
            sink += work[0];
            System.out.printf(
                    "small_drops releaseBytes=%s dropped %.2f%% of %d%n",
                    System.getProperty("bpf4j.ringbuf.releaseBytes", "4096"),
                    100.0 * dropped / (dropped + written),
                    dropped + written);
        }
    }

    /**
     * Runs {@code round} at least {@code min} times and for at least 10 seconds: on a loaded machine,
     * with the JVM pinned to one CPU, the JIT's compiler threads share that CPU and C2 code for the
     * drain can arrive seconds after the rounds a quiet machine would need. Returns the rounds run.
     */
    private static int warmRounds(int min, Runnable round) {
        long end = System.nanoTime() + 10_000_000_000L;
        int r = 0;
        while (r < min || System.nanoTime() < end) {
            round.run();
            r++;
        }
        return r;
    }

    private static void ringConsume(RingBuffer rb) {
        if (SPANS) {
            rb.consumeSpans(SPAN);
        } else {
            rb.consume(RECORD);
        }
    }

    private static void ringPoll(RingBuffer rb, Duration timeout) {
        if (SPANS) {
            rb.pollSpans(timeout, SPAN);
        } else {
            rb.poll(timeout, RECORD);
        }
    }

    private static void perfConsume(PerfBuffer pb) {
        if (SPANS) {
            pb.consumeSpans(SAMPLE_SPAN);
        } else {
            pb.consume(SAMPLE);
        }
    }

    private static void perfPoll(PerfBuffer pb, Duration timeout) {
        if (SPANS) {
            pb.pollSpans(timeout, SAMPLE_SPAN);
        } else {
            pb.poll(timeout, SAMPLE);
        }
    }

    private static void fill(BpfObject obj, String prog, int n) {
        obj.program(prog).testRun(TestRunOptions.data(new byte[64]).withRepeat(n));
    }

    /** As drain_bench.c: each fill fits its 64 MiB ring / 32 MiB perf ring. */
    private static int fillCount(String row) {
        if (row.contains("spread")) {
            return row.startsWith("perf") ? 80_000 : 100_000;
        }
        return 200_000;
    }
}
