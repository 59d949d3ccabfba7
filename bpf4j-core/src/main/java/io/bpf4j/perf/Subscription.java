package io.bpf4j.perf;

import io.bpf4j.internal.sys.PollingThread;

/**
 * A perf buffer read by a dedicated platform thread ({@link PerfBuffer#subscribe}). Closing it
 * stops the thread after its current poll (which waits at most 100 ms) and waits for it; the perf
 * buffer itself stays open and owned by its creator.
 *
 * <pre>{@code
 * try (Subscription s = pb.subscribe((cpu, rec) -> count.incrementAndGet(), Throwable::printStackTrace)) {
 *     Thread.sleep(10_000);
 * }
 * }</pre>
 */
public final class Subscription implements AutoCloseable {
    private final PollingThread thread;

    Subscription(PollingThread thread) {
        this.thread = thread;
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
