package io.bpf4j.ringbuf;

import io.bpf4j.codec.Codec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Several subscribers of one ring buffer, each receiving every record: one thread drains the ring
 * once and decodes each record once, then offers it to every subscriber's bounded buffer (of
 * {@code capacity} records); each subscriber runs on its own thread. A subscriber that falls
 * behind until its buffer is full loses records: its error callback gets a {@link LaggedException}
 * with the number lost (before its next record), and the others are not slowed. Decoded values
 * are shared between subscribers, so they should be immutable (codec values from BTF and records
 * are).
 *
 * <pre>{@code
 * try (RingBuffer rb = RingBuffer.open(obj.map("events"));
 *      RingFanout<Object> fan = RingFanout.start(rb, ObjectTypes.struct(obj, "exec_event"), 8192)) {
 *     fan.subscribe(e -> System.out.println(e), err -> System.err.println(err.getMessage()));
 *     fan.subscribe(e -> store.add(e), err -> {});
 *     Thread.sleep(10_000);
 * }
 * }</pre>
 *
 * @param <T> the decoded record type
 */
public final class RingFanout<T> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RingFanout.class.getName());
    private final RingBuffer ring;
    private final int capacity;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Thread drainer;
    private volatile boolean closed;
    private int count;

    /** Thrown to a lagging subscriber's error callback: how many records it lost. */
    public static final class LaggedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** The records the subscriber did not get. */
        private final long lost;

        LaggedException(String ring, long lost) {
            super("subscriber of ring buffer \"" + ring + "\" lagged: " + lost + " records lost (its buffer was full)");
            this.lost = lost;
        }

        /**
         * The records this subscriber did not get.
         *
         * @return the count so far
         */
        public long lost() {
            return lost;
        }
    }

    private RingFanout(RingBuffer ring, Codec<T> codec, int capacity) {
        this.ring = ring;
        this.capacity = capacity;
        int size = codec.size();
        this.drainer = Thread.ofPlatform()
                .daemon()
                .name("bpf4j-fanout-" + ring.name())
                .unstarted(() -> {
                    RecordHandler handler = rec -> {
                        T v;
                        try {
                            v = RecordDecoder.decode(codec, size, rec);
                        } catch (RuntimeException e) {
                            subscribers.forEach(s -> s.error(e));
                            return;
                        }
                        for (Subscriber s : subscribers) {
                            s.offer(v);
                        }
                    };
                    while (!closed && !ring.isClosed()) {
                        try {
                            ring.poll(Duration.ofMillis(100), handler);
                        } catch (RuntimeException e) {
                            if (closed || ring.isClosed()) {
                                break;
                            }
                            subscribers.forEach(s -> s.error(e));
                        }
                    }
                });
    }

    /** Records each subscriber buffers when {@link #start(RingBuffer, Codec)} is not told. */
    public static final int DEFAULT_CAPACITY = 4096;

    /**
     * {@link #start(RingBuffer, Codec, int)} with {@link #DEFAULT_CAPACITY}.
     *
     * @param <T> the decoded type
     * @param ring the ring buffer to drain (consumed by the fan-out alone from now on)
     * @param codec decodes each record
     * @return the running fan-out, which the caller closes
     */
    public static <T> RingFanout<T> start(RingBuffer ring, Codec<T> codec) {
        return start(ring, codec, DEFAULT_CAPACITY);
    }

    /**
     * Starts draining {@code ring} (which this fan-out then consumes alone) with {@code codec};
     * each subscriber buffers up to {@code capacity} records.
     *
     * @param <T> the decoded type
     * @param ring the ring buffer to drain (consumed by the fan-out alone from now on)
     * @param codec decodes each record
     * @param capacity records each subscriber's buffer holds before it lags
     * @return the running fan-out, which the caller closes
     */
    public static <T> RingFanout<T> start(RingBuffer ring, Codec<T> codec, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        RingFanout<T> f = new RingFanout<>(ring, codec, capacity);
        f.drainer.start();
        return f;
    }

    /**
     * Adds a subscriber that receives every record drained from now on, on its own thread.
     * Closing the returned handle stops it; closing the fan-out stops all.
     *
     * @param onRecord receives every decoded record drained from now on, on its own thread
     * @param onError receives what the handler (or codec, or sink) throws
     * @return closing it removes the subscriber and stops its thread
     */
    public synchronized AutoCloseable subscribe(Consumer<? super T> onRecord, Consumer<Throwable> onError) {
        if (closed) {
            throw new IllegalStateException("the fan-out of ring buffer \"" + ring.name() + "\" is closed");
        }
        Subscriber s = new Subscriber(onRecord, onError, ++count);
        subscribers.add(s);
        s.thread.start();
        return s;
    }

    /** Stops the draining thread and every subscriber (the ring buffer stays open). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        join(drainer);
        for (Subscriber s : subscribers) {
            s.close();
        }
    }

    private static void join(Thread t) {
        if (t == Thread.currentThread()) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Subscriber implements AutoCloseable {
        private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(capacity);
        private final AtomicLong lost = new AtomicLong();
        private final Consumer<? super T> onRecord;
        private final Consumer<Throwable> onError;
        private final Thread thread;
        private volatile boolean stopped;

        Subscriber(Consumer<? super T> onRecord, Consumer<Throwable> onError, int n) {
            this.onRecord = onRecord;
            this.onError = onError;
            this.thread = Thread.ofPlatform()
                    .daemon()
                    .name("bpf4j-fanout-" + ring.name() + "-" + n)
                    .unstarted(this::run);
        }

        void offer(T v) {
            if (!queue.offer(v)) {
                lost.incrementAndGet();
            }
        }

        /** Errors travel through the buffer too, so they arrive in order; one that does not fit is logged. */
        void error(Throwable t) {
            if (!queue.offer(new Failure(t))) {
                LOG.log(System.Logger.Level.WARNING, "ring buffer \"" + ring.name() + "\": " + t.getMessage());
            }
        }

        @SuppressWarnings("unchecked")
        private void run() {
            while (!stopped) {
                Object next;
                try {
                    next = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                long n = lost.getAndSet(0);
                if (n > 0) {
                    deliverError(new LaggedException(ring.name(), n));
                }
                if (next instanceof Failure f) {
                    deliverError(f.error);
                } else if (next != null) {
                    try {
                        onRecord.accept((T) next);
                    } catch (RuntimeException e) {
                        deliverError(e);
                    }
                }
            }
        }

        private void deliverError(Throwable t) {
            try {
                onError.accept(t);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "error callback of a ring buffer subscriber threw", e);
            }
        }

        @Override
        public void close() {
            stopped = true;
            subscribers.remove(this);
            join(thread);
        }
    }

    private record Failure(Throwable error) {}
}
