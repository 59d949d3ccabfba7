package io.bpf4j.internal.sys;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The dedicated platform thread behind an event reader's subscription: it calls {@code pollOnce}
 * (a poll with a short timeout) until stopped or until the reader is closed. A throwing handler
 * does not end it: the exception goes to {@code onError}, and an error handler that throws is
 * ignored, so one bad record cannot silently stop a stream.
 */
public final class PollingThread {
    private final Thread thread;
    private volatile boolean stopped;

    /**
     * Starts the thread.
     *
     * @param name the thread's name
     * @param pollOnce one bounded wait-and-drain of the reader
     * @param readerClosed true once the reader is closed (the thread then ends)
     * @param onError receives what a handler threw
     */
    public PollingThread(String name, Runnable pollOnce, BooleanSupplier readerClosed, Consumer<Throwable> onError) {
        this.thread = Thread.ofPlatform().daemon().name(name).start(() -> {
            while (!stopped && !readerClosed.getAsBoolean()) {
                try {
                    pollOnce.run();
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

    /** True while the thread runs. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops the thread (it ends after its current poll) and waits for it. */
    public void stop() {
        stopped = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
