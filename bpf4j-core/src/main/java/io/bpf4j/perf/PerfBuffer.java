package io.bpf4j.perf;

import io.bpf4j.BpfMap;
import io.bpf4j.MapType;
import io.bpf4j.UpdateFlag;
import io.bpf4j.codec.Codec;
import io.bpf4j.internal.sys.Cpus;
import io.bpf4j.internal.sys.Epoll;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Mappings;
import io.bpf4j.internal.sys.Mmap;
import io.bpf4j.internal.sys.PerfEvents;
import io.bpf4j.internal.sys.PollGate;
import io.bpf4j.internal.sys.PolledStream;
import io.bpf4j.internal.sys.PollingThread;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A reader of a PERF_EVENT_ARRAY map: one perf event (PERF_COUNT_SW_BPF_OUTPUT) and one mmapped
 * ring per online CPU, stored in the map at the CPU's index so that
 * {@code bpf_perf_event_output(ctx, &map, BPF_F_CURRENT_CPU, ...)} reaches it, and epoll to wait.
 * Records are PERF_RECORD_SAMPLE (handed to a {@link SampleHandler}) and PERF_RECORD_LOST (counted
 * and handed to a {@link LostHandler}). A record that wraps the end of a ring is copied into one
 * piece. {@code data_head} is read with acquire and {@code data_tail} written with release, as the
 * perf ABI asks.
 *
 * <pre>{@code
 * try (PerfBuffer pb = PerfBuffer.open(obj.map("events"), 8, (cpu, n) -> System.err.println(n + " lost"))) {
 *     pb.poll(Duration.ofMillis(100), (cpu, rec) -> handle(rec));
 * }
 * // Or: 64 pages per CPU, woken once 16 KiB are waiting, decoded into records on a thread of its own.
 * try (PerfBuffer pb = PerfBuffer.builder(obj.map("events")).pagesPerCpu(64).wakeupWatermark(16384).open();
 *      Subscription s = pb.subscribe(codec, event -> System.out.println(event), Throwable::printStackTrace)) {
 *     Thread.sleep(10_000);
 * }
 * }</pre>
 */
public final class PerfBuffer implements AutoCloseable {
    private static final int RECORD_LOST = 2;
    private static final int RECORD_SAMPLE = 9;
    private static final long DATA_HEAD = 1024;
    private static final long DATA_TAIL = 1032;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    /**
     * How much a drain reads from a ring before it hands the space back to the kernel (a release
     * store of data_tail; the last record may run past it): a producer never waits on more than
     * this much space the reader has already passed, and the store stays out of the per-record path
     * (the ring buffer's policy; see RingBuffer.RELEASE_BYTES for what it was chosen on).
     */
    static final long RELEASE_BYTES = Long.getLong("bpf4j.perf.releaseBytes", 4096);

    private final BpfMap map;
    private final List<Ring> rings = new ArrayList<>();
    // The rings as an array once opened: the drain walks it without the list's iterator.
    private Ring[] ringArray = new Ring[0];
    private final Epoll epoll;
    private final LostHandler lostHandler;
    private final PollGate gate;
    // Every ring's pages: closed once no drain is inside (the gate's release), or by a Cleaner.
    private final Mappings mappings = new Mappings(this);
    private final Arena scratch = Arena.ofAuto();
    private MemorySegment wrapBuffer;
    private long lost;
    private long processed;

    private record Ring(int cpu, Fd event, MemorySegment mapping, MemorySegment data) {}

    private PerfBuffer(BpfMap map, LostHandler lostHandler) {
        this.map = map;
        this.lostHandler = lostHandler;
        this.epoll = new Epoll(Math.max(1, Cpus.online().size()));
        this.wrapBuffer = scratch.allocate(4096, 8);
        this.gate = new PollGate(epoll, this::releaseRings);
    }

    /**
     * Opens a reader with {@code pagesPerCpu} data pages per CPU (a power of two), woken for every
     * sample. {@code lostHandler} may be null.
     *
     * @param map a PERF_EVENT_ARRAY map
     * @param pagesPerCpu data pages in each CPU's ring, a power of two
     * @param lostHandler told of lost records; null to only count them
     * @return the reader, which the caller closes
     * @throws IllegalArgumentException when the map is not a PERF_EVENT_ARRAY or the page count is
     *         not a power of two
     */
    public static PerfBuffer open(BpfMap map, int pagesPerCpu, LostHandler lostHandler) {
        return builder(map).pagesPerCpu(pagesPerCpu).onLost(lostHandler).open();
    }

    /**
     * Options for a reader of {@code map}: pages per CPU, when to wake, what to tell of lost records.
     *
     * @param map a PERF_EVENT_ARRAY map
     * @return a builder with the defaults
     */
    public static Builder builder(BpfMap map) {
        return new Builder(map);
    }

    /**
     * How a {@link PerfBuffer} is opened. Defaults: 8 pages per CPU, woken for every sample, lost
     * records only counted ({@link PerfBuffer#lost()}).
     */
    public static final class Builder {
        private final BpfMap map;
        private int pagesPerCpu = 8;
        private int wakeup = 1;
        private boolean watermark;
        private LostHandler lostHandler;

        private Builder(BpfMap map) {
            this.map = map;
        }

        /**
         * Data pages in each CPU's ring, a power of two.
         *
         * @param pages data pages in each CPU's ring, a power of two
         * @return this builder
         */
        public Builder pagesPerCpu(int pages) {
            this.pagesPerCpu = pages;
            return this;
        }

        /**
         * Wake a waiting poll once every {@code samples} samples (perf's wakeup_events; 1 is every sample).
         *
         * @param samples samples between wake-ups, at least 1
         * @return this builder
         */
        public Builder wakeupEvents(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("wakeup events must be at least 1, got " + samples);
            }
            this.wakeup = samples;
            this.watermark = false;
            return this;
        }

        /**
         * Wake a waiting poll once {@code bytes} bytes are waiting in a CPU's ring (perf's
         * wakeup_watermark): fewer wake-ups under load, at the price of latency when events are rare.
         * It must be smaller than the ring.
         *
         * @param bytes bytes waiting in a CPU's ring before a wake-up, at least 1
         * @return this builder
         */
        public Builder wakeupWatermark(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("wakeup watermark must be at least 1 byte, got " + bytes);
            }
            this.wakeup = bytes;
            this.watermark = true;
            return this;
        }

        /**
         * Told of every PERF_RECORD_LOST (null: only counted).
         *
         * @param handler receives each sample
         * @return this builder
         */
        public Builder onLost(LostHandler handler) {
            this.lostHandler = handler;
            return this;
        }

        /**
         * Opens the reader: one perf event and ring per online CPU, stored in the map.
         *
         * @return the reader, which the caller closes
         * @throws IllegalArgumentException when the map is not a PERF_EVENT_ARRAY, the page count is
         *         not a power of two, or the watermark does not fit in a ring
         */
        public PerfBuffer open() {
            if (map.type() != MapType.PERF_EVENT_ARRAY) {
                throw new IllegalArgumentException(
                        "map \"" + map.name() + "\" is " + map.type() + ", not a PERF_EVENT_ARRAY");
            }
            if (pagesPerCpu <= 0 || Integer.bitCount(pagesPerCpu) != 1) {
                throw new IllegalArgumentException("pages per CPU must be a power of two, got " + pagesPerCpu);
            }
            long ringBytes = Mmap.pageSize() * pagesPerCpu;
            if (watermark && wakeup >= ringBytes) {
                throw new IllegalArgumentException("wakeup watermark of " + wakeup + " bytes does not fit in a ring of "
                        + ringBytes + " bytes (" + pagesPerCpu + " pages)");
            }
            return PerfBuffer.open(this);
        }
    }

    private static PerfBuffer open(Builder options) {
        BpfMap map = options.map;
        PerfBuffer pb = new PerfBuffer(map, options.lostHandler);
        try {
            long page = Mmap.pageSize();
            for (int cpu : Cpus.online()) {
                if (cpu >= map.maxEntries()) {
                    continue; // the map has no slot for this CPU, as libbpf skips it
                }
                PerfEvents.Attr attr = new PerfEvents.Attr(
                        PerfEvents.TYPE_SOFTWARE,
                        PerfEvents.SW_BPF_OUTPUT,
                        0,
                        PerfEvents.SAMPLE_RAW,
                        options.watermark ? PerfEvents.FLAG_WATERMARK : 0,
                        options.wakeup,
                        0,
                        0);
                Fd ev = PerfEvents.open(attr, -1, cpu, "bpf output on cpu " + cpu);
                MemorySegment mapping;
                try {
                    mapping =
                            pb.mappings.map(ev, page * (1 + options.pagesPerCpu), Mmap.PROT_READ | Mmap.PROT_WRITE, 0);
                } catch (RuntimeException e) {
                    ev.close();
                    throw e;
                }
                Ring ring = new Ring(cpu, ev, mapping, mapping.asSlice(page, page * options.pagesPerCpu));
                pb.rings.add(ring);
                pb.epoll.add(ev, pb.rings.size() - 1);
                map.update(intBytes(cpu), intBytes(ev.raw()), UpdateFlag.ANY);
                PerfEvents.enable(ev);
            }
            pb.ringArray = pb.rings.toArray(new Ring[0]);
            return pb;
        } catch (RuntimeException e) {
            pb.close();
            throw e;
        }
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /**
     * Reads every record available now on every CPU; returns how many samples (0 once closed).
     *
     * @param handler receives each sample
     * @return the samples handed to the handler
     * @throws NullPointerException when {@code handler} is null
     */
    public int consume(SampleHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return consumeSpans(slicing(handler));
    }

    /**
     * Reads every record available now on every CPU, handing samples to {@code handler} as places in
     * the rings (see {@link SampleSpanHandler}); returns how many samples (0 once closed). The fastest
     * way to read: nothing is made per sample.
     *
     * <pre>{@code
     * pb.consumeSpans((cpu, ring, offset, length) -> total += ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset));
     * }</pre>
     *
     * @param handler receives each sample
     * @return the samples handed to the handler
     * @throws NullPointerException when {@code handler} is null
     */
    public int consumeSpans(SampleSpanHandler handler) {
        Objects.requireNonNull(handler, "handler");
        try {
            return gate.consume(() -> drainAll(handler));
        } finally {
            Reference.reachabilityFence(this); // the Cleaner must not unmap under a drain
        }
    }

    /**
     * Waits up to {@code timeout} for records on any CPU, then reads them; returns how many samples
     * (0 on timeout or when the reader was closed meanwhile). A zero timeout does not wait.
     *
     * @param timeout how long to wait at most; zero does not wait
     * @param handler receives each sample
     * @return the samples handed over (0 on timeout or once closed)
     * @throws NullPointerException when {@code timeout} or {@code handler} is null
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public int poll(Duration timeout, SampleHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return pollSpans(timeout, slicing(handler));
    }

    /**
     * Waits up to {@code timeout} for records on any CPU, then hands the samples to {@code handler}
     * as places in the rings (see {@link SampleSpanHandler}); returns how many samples (0 on timeout
     * or when the reader was closed meanwhile). A zero timeout does not wait.
     *
     * <pre>{@code
     * pb.pollSpans(Duration.ofMillis(100), (cpu, ring, offset, length) -> handle(ring.get(JAVA_INT_UNALIGNED, offset)));
     * }</pre>
     *
     * @param timeout how long to wait at most; zero does not wait
     * @param handler receives each sample
     * @return the samples handed over (0 on timeout or once closed)
     * @throws NullPointerException when {@code timeout} or {@code handler} is null
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public int pollSpans(Duration timeout, SampleSpanHandler handler) {
        PollGate.checkTimeout(timeout);
        Objects.requireNonNull(handler, "handler");
        try {
            return gate.poll(timeout, false, () -> drainAll(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@link #poll(Duration, SampleHandler)} decoding each sample with a codec.
     *
     * @param <T> the decoded type
     * @param timeout how long to wait at most; zero does not wait
     * @param codec decodes each record
     * @param sink receives the decoded values, in order
     * @return the samples handed over (0 on timeout or once closed)
     */
    public <T> int poll(Duration timeout, Codec<T> codec, Consumer<? super T> sink) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(sink, "sink");
        return poll(timeout, (cpu, rec) -> sink.accept(codec.decode(rec, 0)));
    }

    /**
     * Runs {@code handler} on a dedicated platform thread for every sample until the returned
     * subscription (or this reader) is closed. A handler that throws does not stop the
     * subscription: the exception goes to {@code onError} and reading goes on.
     *
     * @param handler receives each sample
     * @param onError receives what the handler (or codec, or sink) throws
     * @return the running subscription; closing it stops the thread
     */
    public Subscription subscribe(SampleHandler handler, Consumer<Throwable> onError) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(onError, "onError");
        return new Subscription(new PollingThread(
                "bpf4j-perf-" + map.name(), () -> poll(Duration.ofMillis(100), handler), gate::isClosed, onError));
    }

    /**
     * {@link #subscribe(SampleHandler, Consumer)} decoding each sample with a codec.
     *
     * @param <T> the decoded type
     * @param codec decodes each record
     * @param sink receives the decoded values, in order
     * @param onError receives what the handler (or codec, or sink) throws
     * @return the running subscription; closing it stops the thread
     */
    public <T> Subscription subscribe(Codec<T> codec, Consumer<? super T> sink, Consumer<Throwable> onError) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(sink, "sink");
        return subscribe((cpu, rec) -> sink.accept(codec.decode(rec, 0)), onError);
    }

    /**
     * The samples of all CPUs as a blocking stream of decoded values (in order per CPU); it ends
     * when this reader is closed. Each element is decoded during its callback, so the stream holds
     * no ring memory.
     *
     * @param <T> the decoded type
     * @param codec decodes each record
     * @return a blocking stream of the decoded values
     */
    public <T> Stream<T> stream(Codec<T> codec) {
        return PolledStream.of(gate::isClosed, sink -> poll(Duration.ofMillis(100), codec, sink));
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return whether it is closed
     */
    public boolean isClosed() {
        return gate.isClosed();
    }

    /** A sample handler fed as a span handler: the sample's bytes sliced out of the ring. */
    private static SampleSpanHandler slicing(SampleHandler handler) {
        return (cpu, ring, offset, length) -> handler.accept(cpu, ring.asSlice(offset, length));
    }

    // reinterpret (restricted) gives the drain's views the lifetime of its arena: they cannot
    // outlive the drain, however long the mapping lives.
    @SuppressWarnings("restricted")
    private int drainAll(SampleSpanHandler handler) {
        // Only rings with records, and no arena when none has any: the fixed cost of a poll is one
        // acquire load per CPU beyond the epoll call, as libbpf's.
        Ring[] all = ringArray;
        int first = 0;
        while (first < all.length && !hasRecords(all[first])) {
            first++;
        }
        if (first == all.length) {
            return 0;
        }
        // The views handed to the handler belong to an arena of this drain: one kept past it throws
        // IllegalStateException when used, instead of reading space the kernel has been given back
        // (or, after close, memory no longer mapped).
        try (Arena views = Arena.ofConfined()) {
            int n = 0;
            for (int i = first; i < all.length; i++) {
                Ring r = all[i];
                if (i == first || hasRecords(r)) {
                    n += drain(r, r.data().reinterpret(views, null), views, handler);
                }
            }
            return n;
        }
    }

    private static boolean hasRecords(Ring r) {
        MemorySegment meta = r.mapping();
        return (long) LONG.getAcquire(meta, DATA_HEAD) != (long) LONG.get(meta, DATA_TAIL);
    }

    private int drain(Ring r, MemorySegment data, Arena views, SampleSpanHandler handler) {
        MemorySegment meta = r.mapping();
        long size = data.byteSize(); // a power of two
        long mask = size - 1;
        long head = (long) LONG.getAcquire(meta, DATA_HEAD);
        long tail = (long) LONG.get(meta, DATA_TAIL);
        int cpu = r.cpu();
        int n = 0;
        try {
            while (tail < head) {
                long stop = Math.min(head, tail + RELEASE_BYTES);
                do {
                    long at = tail & mask;
                    // struct perf_event_header {u32 type; u16 misc; u16 size}, read as one word. It never
                    // wraps (records are 8-byte aligned); the body may.
                    long header = data.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
                    int recSize = (int) (header >>> 48);
                    tail += recSize; // before the handler: a record whose handler throws is not read again
                    if ((int) header == RECORD_SAMPLE && recSize >= 12 && at + recSize <= size) {
                        // Events of this reader carry only PERF_SAMPLE_RAW, whose size the kernel pads so
                        // that header (8), size (4) and data fill the record (perf_prepare_sample): the
                        // data is the record's rest, padding included, as libbpf hands it over.
                        n++;
                        handler.accept(cpu, data, at + 12, recSize - 12);
                    } else if (recSize < 8) {
                        tail = head; // corrupt ring: skip what is there rather than loop
                    } else {
                        n += deliverAlone(cpu, data, at, recSize, (int) header, views, handler);
                    }
                } while (tail < stop);
                // The kernel may reuse the space from here on (see RELEASE_BYTES).
                LONG.setRelease(meta, DATA_TAIL, tail);
            }
        } finally {
            processed += n; // once per drain: a field store per record costs in the hot loop
            LONG.setRelease(meta, DATA_TAIL, tail);
        }
        return n;
    }

    /**
     * A record outside the fast path: a sample that wraps the ring's end (copied into one piece
     * first), a PERF_RECORD_LOST, or another kind (skipped); returns the samples delivered (0 or 1).
     */
    // reinterpret (restricted) gives the drain's views the lifetime of its arena: they cannot
    // outlive the drain, however long the mapping lives.
    @SuppressWarnings("restricted")
    private int deliverAlone(
            int cpu, MemorySegment data, long at, int recSize, int type, Arena views, SampleSpanHandler handler) {
        if (type == RECORD_SAMPLE) {
            if (recSize < 12) {
                return 0; // no room for the size word: not a sample this reader asked for
            }
            MemorySegment rec = contiguous(data, at, recSize).reinterpret(views, null);
            handler.accept(cpu, rec, 12, recSize - 12);
            return 1;
        }
        if (type == RECORD_LOST) {
            MemorySegment rec = at + recSize > data.byteSize() ? contiguous(data, at, recSize) : data.asSlice(at);
            if (recSize >= 24) {
                lost(cpu, rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 16));
            }
        }
        return 0;
    }

    private void lost(int cpu, long count) {
        lost += count;
        if (lostHandler != null) {
            lostHandler.lost(cpu, count);
        }
    }

    /** The {@code len} bytes at {@code at} of a record that wraps the ring's end, copied into one piece. */
    private MemorySegment contiguous(MemorySegment data, long at, int len) {
        long size = data.byteSize();
        if (wrapBuffer.byteSize() < len) {
            wrapBuffer = scratch.allocate(Math.max(len, wrapBuffer.byteSize() * 2), 8);
        }
        long first = size - at;
        MemorySegment.copy(data, at, wrapBuffer, 0, first);
        MemorySegment.copy(data, 0, wrapBuffer, first, len - first);
        return wrapBuffer.asSlice(0, len);
    }

    /**
     * Records lost so far, over all CPUs (the kernel's PERF_RECORD_LOST counts).
     *
     * @return the count so far
     */
    public long lost() {
        return lost;
    }

    /**
     * Samples handed to handlers so far.
     *
     * @return the count so far
     */
    public long processed() {
        return processed;
    }

    /**
     * The CPUs this reader has a ring for.
     *
     * @return the CPUs, in the order of their rings
     */
    public List<Integer> cpus() {
        return rings.stream().map(Ring::cpu).toList();
    }

    /** Stops the reader (a blocked poll returns 0), then releases rings and events. Idempotent. */
    @Override
    public void close() {
        gate.close();
    }

    /** Frees the rings and events (the gate runs this once, with no consumer inside). */
    private void releaseRings() {
        for (Ring r : rings) {
            try {
                map.delete(intBytes(r.cpu()));
            } catch (RuntimeException ignored) {
                // the map may be closed already; its slots go with it
            }
            PerfEvents.disableQuietly(r.event());
        }
        mappings.close();
        for (Ring r : rings) {
            r.event().close();
        }
    }
}
