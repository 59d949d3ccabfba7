package io.bpf4j.ringbuf;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A ring buffer read by a dedicated platform thread ({@link RingBuffer#subscribe}). Closing it
 * stops the thread (waking it if it sleeps) and waits for it to finish; the ring buffer itself
 * stays open and owned by its creator.
 *
 * <pre>{@code
 * try (Subscription s = rb.subscribe(rec -> count.incrementAndGet(), Throwable::printStackTrace)) {
 *     Thread.sleep(10_000);
 * }
 * }</pre>
 */
public final class Subscription implements AutoCloseable {
    private final RingBuffer ring;
    private final Thread thread;
    private volatile boolean stopped;

    Subscription(RingBuffer ring, RecordHandler handler, Consumer<Throwable> onError) {
        this.ring = ring;
        this.thread = Thread.ofPlatform().daemon().name("bpf4j-ringbuf-" + ring.name()).start(() -> {
            while (!stopped && !ring.isClosed()) {
                try {
                    ring.poll(Duration.ofMillis(100), handler);
                } catch (RuntimeException | Error e) {
                    try {
                        onError.accept(e);
                    } catch (RuntimeException ignored) {
                        // an error handler that throws must not end the subscription
                    }
                }
            }
        });
    }

    /** True while the reading thread runs. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops the reading thread and waits for it. */
    @Override
    public void close() {
        stopped = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
