package io.bpf4j.ringbuf;

import io.bpf4j.internal.sys.Epoll;
import io.bpf4j.internal.sys.PollGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One wait over several ring buffers: {@link #poll} sleeps until any of them has records, then
 * drains the ready ones with their handlers. The poller does not own the buffers.
 *
 * <pre>{@code
 * try (RingBufferPoller poller = new RingBufferPoller()) {
 *     poller.add(execs, rec -> ...);
 *     poller.add(exits, rec -> ...);
 *     while (running) poller.poll(Duration.ofMillis(100));
 * }
 * }</pre>
 */
public final class RingBufferPoller implements AutoCloseable {
    private record Entry(RingBuffer ring, RecordHandler handler) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Epoll epoll = new Epoll(16);

    /** A poller watching no ring buffer yet. */
    public RingBufferPoller() {}

    /**
     * Watches {@code ring}, handing its records to {@code handler}.
     *
     * @param ring the ring buffer to watch (not owned by the poller)
     * @param handler receives the ring's records
     * @return this poller
     */
    public synchronized RingBufferPoller add(RingBuffer ring, RecordHandler handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        epoll.add(ring.fd(), entries.size());
        entries.add(new Entry(ring, handler));
        return this;
    }

    /**
     * Waits up to {@code timeout} for any buffer, then drains the ready ones; returns the records read.
     *
     * @param timeout how long to wait at most; zero does not wait
     * @return the records read
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public synchronized int poll(Duration timeout) {
        PollGate.checkTimeout(timeout);
        int n = 0;
        for (Entry e : entries) { // records already there need no wait
            n += e.ring().consume(e.handler());
        }
        if (n > 0) {
            return n;
        }
        int ready = epoll.await(PollGate.millis(timeout));
        for (int i = 0; i < ready; i++) {
            long d = epoll.data(i);
            if (d == Epoll.WAKE) {
                epoll.clearWakeUp();
            } else {
                Entry e = entries.get((int) d);
                n += e.ring().consume(e.handler());
            }
        }
        return n;
    }

    /** Wakes a blocked {@link #poll} from another thread. */
    public void wakeUp() {
        epoll.wakeUp();
    }

    @Override
    public void close() {
        epoll.close();
    }
}
