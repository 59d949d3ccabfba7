package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An epoll instance with an eventfd to wake a blocked {@link #await} from another thread (used to
 * close readers cleanly). Owns both fds.
 */
public final class Epoll implements AutoCloseable {
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLLIN = 1;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    /** epoll_event is packed on x86_64: u32 events, u64 data. */
    private static final int EVENT_SIZE = 12;
    /** The data value that marks the wake-up eventfd. */
    public static final long WAKE = -1;

    private final Fd epfd;
    private final Fd wake;
    // Freed by the GC only when no thread can be inside await() any more: a blocked poller keeps it reachable.
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment events;
    private final int capacity;

    /** An epoll instance able to report {@code capacity} ready fds per wait. */
    public Epoll(int capacity) {
        this.capacity = capacity;
        long e = Libc.syscall(Libc.SYS_EPOLL_CREATE1, EPOLL_CLOEXEC, 0, 0);
        if (e < 0) {
            throw new BpfException("cannot create an epoll instance", (int) -e, "epoll_create1", "");
        }
        epfd = new Fd((int) e, "epoll");
        long w = Libc.syscall(Libc.SYS_EVENTFD2, 0, EFD_CLOEXEC | EFD_NONBLOCK, 0);
        if (w < 0) {
            epfd.close();
            throw new BpfException("cannot create an eventfd", (int) -w, "eventfd2", "");
        }
        wake = new Fd((int) w, "eventfd");
        events = arena.allocate((long) EVENT_SIZE * capacity, 8);
        add(wake, WAKE);
    }

    /** Watches {@code fd} for input, reporting {@code data} when it is ready. */
    public void add(Fd fd, long data) {
        int raw = fd.acquire();
        int ep = epfd.acquire();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ev = a.allocate(EVENT_SIZE, 8);
            ev.set(JAVA_INT, 0, EPOLLIN);
            ev.set(JAVA_LONG.withByteAlignment(4), 4, data);
            long r = Libc.syscall(Libc.SYS_EPOLL_CTL, ep, EPOLL_CTL_ADD, raw, ev.address(), 0, 0);
            if (r < 0) {
                throw new BpfException("cannot watch " + fd.what(), (int) -r, "epoll_ctl", fd.what());
            }
        } finally {
            epfd.release();
            fd.release();
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: forever) for ready fds; returns how many, whose data
     * values {@link #data(int)} gives. EINTR counts as zero ready.
     */
    public int await(int timeoutMillis) {
        int ep = epfd.acquire();
        try {
            long r = Libc.syscall(Libc.SYS_EPOLL_WAIT, ep, events.address(), capacity, timeoutMillis, 0, 0);
            if (r == -io.bpf4j.Errno.EINTR.number()) {
                return 0;
            }
            if (r < 0) {
                throw new BpfException("epoll_wait failed", (int) -r, "epoll_wait", "");
            }
            return (int) r;
        } finally {
            epfd.release();
        }
    }

    /** The data value of the {@code i}-th ready fd of the last {@link #await}. */
    public long data(int i) {
        return events.get(JAVA_LONG.withByteAlignment(4), (long) i * EVENT_SIZE + 4);
    }

    /** Wakes a thread blocked in {@link #await}; it sees {@link #WAKE}. */
    public void wakeUp() {
        int raw = wake.acquire();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1);
            Libc.syscall(Libc.SYS_WRITE, raw, one.address(), 8);
        } finally {
            wake.release();
        }
    }

    /** Drains the wake-up counter after a {@link #WAKE}. */
    public void clearWakeUp() {
        int raw = wake.acquire();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(JAVA_LONG);
            Libc.syscall(Libc.SYS_READ, raw, buf.address(), 8);
        } finally {
            wake.release();
        }
    }

    @Override
    public void close() {
        wake.close();
        epfd.close();
    }
}
