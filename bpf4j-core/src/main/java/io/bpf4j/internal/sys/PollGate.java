package io.bpf4j.internal.sys;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * The one-consumer-at-a-time gate of an event reader (ring buffer, perf buffer) that may be
 * closed from another thread while it waits: consuming holds a lock; {@link #close()} marks the
 * reader closed and wakes the waiting thread through the epoll's eventfd; whichever of the two
 * leaves last releases the kernel resources — so no mapping is unmapped under a running drain
 * and no fd is closed under a blocked epoll_wait.
 */
public final class PollGate {
    private final ReentrantLock consuming = new ReentrantLock();
    private final Epoll epoll;
    private final Runnable release;
    private volatile boolean closed;
    private boolean released;

    /**
     * @param epoll the reader's epoll (with its wake-up eventfd); closed by the gate after {@code release}
     * @param release frees everything else the reader holds; runs once, with no consumer inside
     */
    public PollGate(Epoll epoll, Runnable release) {
        this.epoll = epoll;
        this.release = release;
    }

    /** Runs {@code drain} as the only consumer; 0 without running it when closed. */
    public int consume(IntSupplier drain) {
        consuming.lock();
        try {
            return closed ? 0 : drain.getAsInt();
        } finally {
            consuming.unlock();
            releaseIfClosed();
        }
    }

    /**
     * As the only consumer: drains first when {@code drainFirst} (returning at once if that found
     * something), else waits up to {@code timeout} for the kernel's wake-up and drains. Returns 0 when
     * closed meanwhile.
     */
    public int poll(Duration timeout, boolean drainFirst, IntSupplier drain) {
        consuming.lock();
        try {
            if (closed) {
                return 0;
            }
            if (drainFirst) {
                int n = drain.getAsInt();
                if (n > 0) {
                    return n;
                }
            }
            int ready = epoll.await(millis(timeout));
            for (int i = 0; i < ready; i++) {
                if (epoll.data(i) == Epoll.WAKE) {
                    epoll.clearWakeUp();
                }
            }
            return closed ? 0 : drain.getAsInt();
        } finally {
            consuming.unlock();
            releaseIfClosed();
        }
    }

    /**
     * Checks a reader's poll timeout: not null, not negative (a wait "up to" a negative time has
     * no meaning, and epoll would read it as forever).
     */
    public static void checkTimeout(Duration timeout) {
        java.util.Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("poll timeout must not be negative, got " + timeout);
        }
    }

    /** The timeout as epoll_wait's milliseconds, rounded up (a 0.5 ms wait waits), capped at Integer.MAX_VALUE. */
    public static int millis(Duration timeout) {
        if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        long ms = timeout.toMillis();
        return (int) (timeout.equals(Duration.ofMillis(ms)) ? ms : ms + 1);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Marks the reader closed, wakes a waiting consumer, and releases now if none is inside. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            epoll.wakeUp();
        } catch (IllegalStateException alreadyReleased) {
            // the consuming thread finished and released everything first
        }
        releaseIfClosed();
    }

    private void releaseIfClosed() {
        if (!closed || !consuming.tryLock()) {
            return; // the consuming thread releases on its way out
        }
        try {
            if (!released) {
                released = true;
                try {
                    release.run();
                } finally {
                    epoll.close();
                }
            }
        } finally {
            consuming.unlock();
        }
    }
}
