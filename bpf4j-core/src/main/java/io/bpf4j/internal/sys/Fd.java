package io.bpf4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An owned file descriptor: closed exactly once, by {@link #close()} or — if its owner is
 * forgotten — by a {@link Cleaner}. Safe to use from many threads: a call wraps its use of the
 * number in {@link #acquire()}/{@link #release()}, and a concurrent {@link #close()} waits for the
 * last user to release before the number goes back to the kernel, so an fd number is never used
 * after the kernel may have handed it to someone else.
 *
 * <pre>{@code
 * int raw = fd.acquire();
 * try { ... use raw ... } finally { fd.release(); }
 * }</pre>
 */
public final class Fd implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int CLOSED = 1 << 30;
    private static final int AT_FDCWD = -100;
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_CLOEXEC = 0x80000;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Fd.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    private final String what;
    private final Closer closer;
    private final Cleaner.Cleanable cleanable;
    /** Users in the low bits, {@link #CLOSED} once close was asked. */
    @SuppressWarnings("unused")
    private volatile int state;

    /**
     * Closes the number once; shared by close() and the Cleaner, never references the Fd. A run
     * that close() did not ask for is the Cleaner's: the owner was forgotten, and {@link Leaks}
     * hears of it.
     */
    private static final class Closer implements Runnable {
        private final int fd;
        private final String what;
        private final Throwable where;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile boolean asked;

        Closer(int fd, String what, Throwable where) {
            this.fd = fd;
            this.what = what;
            this.where = where;
        }

        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                Libc.syscall(Libc.SYS_CLOSE, fd, 0, 0);
                if (!asked) {
                    Leaks.released("fd " + fd + " (" + what + ")", where);
                }
            }
        }
    }

    /**
     * Takes ownership of {@code fd}.
     *
     * @param what what the fd is, for error messages (e.g. {@code map "counts"})
     */
    public Fd(int fd, String what) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid file descriptor " + fd + " for " + what);
        }
        this.fd = fd;
        this.what = what;
        this.closer = new Closer(fd, what, Leaks.creation("fd " + fd + " (" + what + ")"));
        this.cleanable = CLEANER.register(this, closer);
    }

    /** Marks one use; throws if closed. Pair with {@link #release()} in a finally block. */
    public int acquire() {
        for (; ; ) {
            int s = state;
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException(what + " is closed");
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return fd;
            }
        }
    }

    /** Ends a use started by {@link #acquire()}. */
    public void release() {
        int s = (int) STATE.getAndAdd(this, -1) - 1;
        if (s == CLOSED) {
            cleanable.clean();
        }
    }

    /** The number, for callers that own the Fd and cannot race with close (e.g. during setup). */
    public int raw() {
        if ((state & CLOSED) != 0) {
            throw new IllegalStateException(what + " is closed");
        }
        return fd;
    }

    /** What this fd is, e.g. {@code map "counts"}. */
    public String what() {
        return what;
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /** A new owned fd for the same kernel object (dup). */
    public Fd dup(String newWhat) {
        int raw = acquire();
        try {
            return dupOf(raw, newWhat);
        } finally {
            release();
        }
    }

    /** An owned duplicate (close-on-exec) of a number the caller keeps owning. */
    public static Fd dupOf(int raw, String what) {
        long r = Libc.syscall(Libc.SYS_FCNTL, raw, 1030 /* F_DUPFD_CLOEXEC */, 3);
        if (r < 0) {
            throw new io.bpf4j.BpfException("cannot duplicate fd " + raw, (int) -r, "fcntl(F_DUPFD_CLOEXEC)", what);
        }
        return new Fd((int) r, what);
    }

    /**
     * Reads up to {@code buf.byteSize()} bytes with read(2).
     *
     * @return the byte count read (0 at end of file), or the negated errno
     */
    public long read(MemorySegment buf) {
        int raw = acquire();
        try {
            return Libc.syscall(Libc.SYS_READ, raw, buf.address(), buf.byteSize());
        } finally {
            release();
        }
    }

    /**
     * Opens a directory read-only (openat(2) with O_RDONLY|O_DIRECTORY|O_CLOEXEC), as the
     * kernel wants a cgroup named.
     *
     * @throws io.bpf4j.BpfException with the kernel's errno when it cannot be opened
     */
    public static Fd openDirectory(Path dir, String what) {
        try (Arena arena = Arena.ofConfined()) {
            long fd = Libc.syscall(
                    Libc.SYS_OPENAT,
                    AT_FDCWD,
                    arena.allocateFrom(dir.toString()).address(),
                    O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                    0,
                    0,
                    0);
            if (fd < 0) {
                throw new io.bpf4j.BpfException("cannot open " + what, (int) -fd, "open", dir.toString());
            }
            return new Fd((int) fd, what);
        }
    }

    /** Gives the number back to the kernel once no call is using it. Idempotent. */
    @Override
    public void close() {
        for (; ; ) {
            int s = state;
            if ((s & CLOSED) != 0) {
                return;
            }
            closer.asked = true;
            if (STATE.compareAndSet(this, s, s | CLOSED)) {
                if (s == 0) {
                    cleanable.clean();
                }
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "Fd[" + fd + " " + what + (isClosed() ? " closed" : "") + "]";
    }
}
