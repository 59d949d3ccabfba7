package io.bpf4j.ringbuf;

import io.bpf4j.BpfMap;
import io.bpf4j.MapType;
import io.bpf4j.codec.Codec;
import io.bpf4j.internal.sys.Epoll;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Mappings;
import io.bpf4j.internal.sys.PollGate;
import io.bpf4j.internal.sys.PolledStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The consumer side of a BPF ring buffer (BPF_MAP_TYPE_RINGBUF): the consumer position page
 * mapped read-write, the producer page and data mapped read-only (the data twice, so a record that
 * wraps the end reads as one piece), and epoll to sleep until the kernel has records.
 *
 * <p>Records are read in order; discarded records are skipped; a record still being written (the
 * busy bit) ends the drain until the next poll. The producer position is read with acquire and
 * the consumer position written with release semantics, as libbpf does. One thread consumes at a
 * time; {@link #close()} from another thread wakes a blocked {@link #poll} and returns cleanly.
 *
 * <pre>{@code
 * try (RingBuffer rb = RingBuffer.open(obj.map("events"))) {
 *     while (running) {
 *         rb.poll(Duration.ofMillis(100), rec -> System.out.println(rec.get(JAVA_INT, 0)));
 *     }
 * }
 * // Fastest: each record as a place in the ring, nothing made per record (see SpanHandler).
 * rb.consumeSpans((ring, offset, length) -> total += ring.get(JAVA_LONG_UNALIGNED, offset));
 * }</pre>
 */
public final class RingBuffer implements AutoCloseable {
    private static final long DISCARD = 1L << 30;
    private static final long LENGTH = DISCARD - 1;
    private static final int HEADER = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    // Unaligned layout: records are 8-aligned by the kernel, so the per-record alignment check is dead weight.
    private static final ValueLayout.OfInt HEADER_WORD = ValueLayout.JAVA_INT_UNALIGNED;
    /**
     * How much a drain reads before it hands the space back to the kernel (a release store of the
     * consumer position; the last record may run past it). libbpf stores after every record; a
     * bound in bytes keeps the store out of the per-record path while a producer never waits on
     * more than this much space the reader has already passed. Measured (BENCHMARKS.md, "release
     * policy": a producer writing into a 256 KiB ring without pause while the reader drains it, 10 s,
     * 2026-11-29): records dropped per record 95.81 %, every 4 KiB 96.09 %, once per drain 95.78 %
     * (an earlier run 92.53 / 92.01 / 93.88 %): the producer outruns the reader whatever the policy, so
     * the bound, not a measured difference, chose 4 KiB.
     */
    static final long RELEASE_BYTES = Long.getLong("bpf4j.ringbuf.releaseBytes", 4096);

    private final Fd fd;
    private final String name;
    private final MemorySegment consumer;
    private final MemorySegment producer;
    private final MemorySegment data;
    private final long mask;
    private final PollGate gate;
    private long processed;
    private final DropCounter drops;

    private RingBuffer(Fd fd, String name, long size, DropCounter drops) {
        this.fd = fd;
        this.name = name;
        this.drops = drops;
        Mappings ms = new Mappings(this);
        RingMapping m;
        Epoll ep = null;
        try {
            m = RingMapping.map(fd, size, false, ms);
            ep = new Epoll(1);
            ep.add(fd, 0);
        } catch (RuntimeException e) {
            if (ep != null) {
                ep.close();
            }
            ms.close();
            fd.close();
            throw e;
        }
        this.consumer = m.consumer();
        this.producer = m.producer();
        this.data = m.data();
        this.mask = size - 1;
        this.gate = new PollGate(ep, () -> {
            ms.close();
            fd.close();
        });
    }

    /**
     * A reader of {@code map}, which must be a RINGBUF map. The reader holds its own reference
     * to the map (a dup of its fd), so closing either one first is fine.
     *
     * @param map a RINGBUF map
     * @return the reader, which the caller closes
     */
    public static RingBuffer open(BpfMap map) {
        return open(map, null);
    }

    /**
     * A reader of {@code map} that also reports the producer-side drops the BPF program counts in
     * {@code drops} ({@link #dropped()}).
     *
     * @param map a RINGBUF map
     * @param drops where the BPF program counts the records it could not write
     * @return the reader, which the caller closes
     */
    public static RingBuffer open(BpfMap map, DropCounter drops) {
        if (map.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException("map \"" + map.name() + "\" is " + map.type() + ", not a RINGBUF");
        }
        Fd own = Fd.dupOf(map.fd(), "ring buffer \"" + map.name() + "\"");
        return new RingBuffer(own, map.name(), map.maxEntries(), drops);
    }

    /**
     * Hands every record available now to {@code handler}; returns how many (0 once closed). A
     * handler that throws stops the drain after advancing past its record (it is not delivered again).
     *
     * @param handler receives each record
     * @return the records handed to the handler
     * @throws NullPointerException when {@code handler} is null
     */
    public int consume(RecordHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return consumeSpans(slicing(handler));
    }

    /**
     * Hands every record available now to {@code handler} as a place in the ring; returns how many
     * (0 once closed). The fastest way to read: nothing is made per record. A handler that throws
     * stops the drain after advancing past its record (it is not delivered again).
     *
     * <pre>{@code
     * int n = rb.consumeSpans((ring, offset, length) -> total += ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset));
     * }</pre>
     *
     * @param handler receives each record
     * @return the records handed to the handler
     * @throws NullPointerException when {@code handler} is null
     */
    public int consumeSpans(SpanHandler handler) {
        Objects.requireNonNull(handler, "handler");
        try {
            return gate.consume(() -> drain(handler));
        } finally {
            Reference.reachabilityFence(this); // the Cleaner must not unmap under a drain
        }
    }

    /**
     * Waits up to {@code timeout} for records, then consumes them; returns how many (0 on
     * timeout or when the buffer was closed meanwhile). A zero timeout does not wait.
     *
     * @param timeout how long to wait at most; zero does not wait
     * @param handler receives each record
     * @return the records handed over (0 on timeout or once closed)
     * @throws NullPointerException when {@code timeout} or {@code handler} is null
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public int poll(Duration timeout, RecordHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return pollSpans(timeout, slicing(handler));
    }

    /**
     * Waits up to {@code timeout} for records, then hands them to {@code handler} as places in the
     * ring (see {@link SpanHandler}); returns how many (0 on timeout or when the buffer was closed
     * meanwhile). A zero timeout does not wait.
     *
     * <pre>{@code
     * rb.pollSpans(Duration.ofMillis(100), (ring, offset, length) -> handle(ring.get(JAVA_INT_UNALIGNED, offset)));
     * }</pre>
     *
     * @param timeout how long to wait at most; zero does not wait
     * @param handler receives each record
     * @return the records handed over (0 on timeout or once closed)
     * @throws NullPointerException when {@code timeout} or {@code handler} is null
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public int pollSpans(Duration timeout, SpanHandler handler) {
        PollGate.checkTimeout(timeout);
        Objects.requireNonNull(handler, "handler");
        try {
            return gate.poll(timeout, true, () -> drain(handler));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * {@link #poll(Duration, RecordHandler)} decoding each record with a codec.
     *
     * @param <T> the decoded type
     * @param timeout how long to wait at most; zero does not wait
     * @param codec decodes each record
     * @param sink receives the decoded values, in order
     * @return the records handed over (0 on timeout or once closed)
     */
    public <T> int poll(Duration timeout, Codec<T> codec, Consumer<? super T> sink) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(sink, "sink");
        return poll(timeout, rec -> sink.accept(codec.decode(rec, 0)));
    }

    /** A record handler fed as a span handler: the record's bytes sliced out of the ring. */
    private static SpanHandler slicing(RecordHandler handler) {
        return (ring, offset, length) -> handler.accept(ring.asSlice(offset, length));
    }

    // reinterpret (restricted) gives the drain's views the lifetime of its arena: they cannot
    // outlive the drain, however long the mapping lives.
    @SuppressWarnings("restricted")
    private int drain(SpanHandler handler) {
        // Nothing published: return before the arena below, the fixed cost of every poll that finds
        // the ring empty (and of the drain a poll tries before it waits).
        if ((long) LONG.getAcquire(producer, 0L) == (long) LONG.getAcquire(consumer, 0L)) {
            return 0;
        }
        // The views handed to the handler belong to an arena of this drain: one kept past it throws
        // IllegalStateException when used, instead of reading space the kernel has been given back
        // (or, after close, memory no longer mapped).
        try (Arena views = Arena.ofConfined()) {
            return drain(handler, data.reinterpret(views, null));
        }
    }

    private int drain(SpanHandler handler, MemorySegment data) {
        // Locals, not fields, in the loop: the JIT does not trust final instance fields, so it would
        // reload them (and re-check the segment's class) after every inlined handler.
        MemorySegment producer = this.producer;
        MemorySegment consumer = this.consumer;
        long mask = this.mask;
        long cons = (long) LONG.getAcquire(consumer, 0L);
        int n = 0;
        try {
            for (; ; ) {
                long prod = (long) LONG.getAcquire(producer, 0L);
                if (cons >= prod) {
                    return n;
                }
                long release = cons + RELEASE_BYTES;
                do {
                    long at = cons & mask;
                    int header = data.get(HEADER_WORD, at);
                    VarHandle.acquireFence(); // the header load is the acquire (libbpf: smp_load_acquire)
                    if (header < 0) {
                        return n; // busy: still being written, the next poll reads it
                    }
                    int length = header & (int) LENGTH;
                    cons += (length + HEADER + 7) & ~7L; // before the handler: one that throws is not re-read
                    if ((header & DISCARD) == 0) {
                        n++;
                        handler.accept(data, at + HEADER, length);
                    }
                    if (cons >= release) {
                        LONG.setRelease(consumer, 0L, cons);
                        release = cons + RELEASE_BYTES;
                    }
                } while (cons < prod);
            }
        } finally {
            // Counted once per drain, not per record: a field store per record costs in the hot loop.
            processed += n;
            LONG.setRelease(consumer, 0L, cons);
        }
    }

    /**
     * Runs {@code handler} on a dedicated platform thread for every record until the returned
     * subscription (or this buffer) is closed. A handler that throws does not stop the
     * subscription: the exception goes to {@code onError} and reading goes on with the next record.
     *
     * @param handler receives each record
     * @param onError receives what the handler (or codec, or sink) throws
     * @return the running subscription; closing it stops the thread
     */
    public Subscription subscribe(RecordHandler handler, Consumer<Throwable> onError) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(onError, "onError");
        return new Subscription(this, handler, onError);
    }

    /**
     * {@link #subscribe(RecordHandler, Consumer)} decoding each record with a codec: {@code sink}
     * gets the decoded values in order on the subscription's thread; what the codec or the sink
     * throws goes to {@code onError} and reading goes on.
     *
     * <pre>{@code
     * try (Subscription s = rb.subscribe(Codecs.s64(), seq -> System.out.println(seq), Throwable::printStackTrace)) {
     *     Thread.sleep(10_000);
     * }
     * }</pre>
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
        return subscribe(rec -> sink.accept(codec.decode(rec, 0)), onError);
    }

    /**
     * The records as an ordered, blocking stream of decoded values; it ends when this buffer is
     * closed. Each element is decoded during its callback, so the stream holds no ring memory.
     *
     * @param <T> the decoded type
     * @param codec decodes each record
     * @return a blocking stream of the decoded values
     */
    public <T> java.util.stream.Stream<T> stream(Codec<T> codec) {
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

    /** The ring's fd, for a {@link RingBufferPoller} watching several buffers. */
    Fd fd() {
        return fd;
    }

    /**
     * Records handed to handlers so far.
     *
     * @return the count so far
     */
    public long processed() {
        return processed;
    }

    /**
     * Records the BPF program could not write because the ring was full, as it counts them in
     * the {@link DropCounter} given to {@link #open(BpfMap, DropCounter)}; empty without one.
     *
     * @return the drops so far, or empty without a drop counter
     */
    public java.util.OptionalLong dropped() {
        return drops == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(drops.read());
    }

    /**
     * Bytes written by the producer and not consumed yet.
     *
     * @return the bytes waiting
     * @throws IllegalStateException when this buffer is closed (or is closed while reading)
     */
    public long pending() {
        if (gate.isClosed()) {
            throw closed();
        }
        try {
            return (long) LONG.getAcquire(producer, 0L) - (long) LONG.getAcquire(consumer, 0L);
        } catch (IllegalStateException unmapped) { // closed meanwhile: the pages' arena is closed
            throw closed();
        }
    }

    private IllegalStateException closed() {
        return new IllegalStateException("ring buffer \"" + name + "\" is closed");
    }

    /**
     * The map's name.
     *
     * @return the map's name
     */
    public String name() {
        return name;
    }

    /**
     * Stops the reader: a blocked {@link #poll} returns 0, then the mappings and fds are released.
     * Idempotent; safe from any thread.
     */
    @Override
    public void close() {
        gate.close();
    }
}
