package io.bpf4j.ringbuf;

import io.bpf4j.internal.sys.PollingThread;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A ring buffer read by a dedicated platform thread ({@link RingBuffer#subscribe}). Closing it
 * stops the thread after its current poll (which waits at most 100 ms) and waits for it; the ring
 * buffer itself stays open and owned by its creator.
 *
 * <pre>{@code
 * try (Subscription s = rb.subscribe(rec -> count.incrementAndGet(), Throwable::printStackTrace)) {
 *     Thread.sleep(10_000);
 * }
 * }</pre>
 */
public final class Subscription implements AutoCloseable {
    private final PollingThread thread;

    Subscription(RingBuffer ring, RecordHandler handler, Consumer<Throwable> onError) {
        this.thread = new PollingThread(
                "bpf4j-ringbuf-" + ring.name(),
                () -> ring.poll(Duration.ofMillis(100), handler),
                ring::isClosed,
                onError);
    }

    /**
     * True while the reading thread runs.
     *
     * @return whether the thread runs
     */
    public boolean isRunning() {
        return thread.isRunning();
    }

    /** Stops the reading thread and waits for it. */
    @Override
    public void close() {
        thread.stop();
    }
}
