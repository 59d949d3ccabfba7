package io.bpf4j.internal.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The raw system-call gate: libc's variadic {@code syscall(long, ...)} bound once with six long
 * arguments and errno captured by the linker. Every kernel call of bpf4j goes through
 * {@link #syscall}; pointers are passed as native addresses.
 *
 * <p>The result convention is the kernel's: a non-negative value, or {@code -errno}.
 */
// Linker.downcallHandle is restricted: this class is the door through which the library makes
// its system calls, the one place they are linked.
@SuppressWarnings("restricted")
public final class Libc {
    /** x86_64 system call numbers (the only architecture these machines run). */
    public static final long SYS_IOCTL = 16;

    public static final long SYS_MMAP = 9;
    public static final long SYS_MUNMAP = 11;
    public static final long SYS_CLOSE = 3;
    public static final long SYS_DUP = 32;
    public static final long SYS_GETPID = 39;
    public static final long SYS_GETTID = 186;
    public static final long SYS_OPENAT = 257;
    public static final long SYS_EPOLL_WAIT = 232;
    public static final long SYS_EPOLL_CTL = 233;
    public static final long SYS_EPOLL_CREATE1 = 291;
    public static final long SYS_EVENTFD2 = 290;
    public static final long SYS_PERF_EVENT_OPEN = 298;
    public static final long SYS_SETNS = 308;
    public static final long SYS_BPF = 321;
    public static final long SYS_FCNTL = 72;
    public static final long SYS_WRITE = 1;
    public static final long SYS_READ = 0;

    private static final FunctionDescriptor SIX_LONGS = FunctionDescriptor.of(
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG);
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    /** errno's place in the capture area, read as a plain int: a VarHandle would spin classes at start. */
    private static final long ERRNO_OFFSET =
            CAPTURE_LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static final MemorySegment SYSCALL_ADDRESS;
    private static final MethodHandle SYSCALL;

    static {
        if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
            throw new ExceptionInInitializerError("bpf4j's system-call numbers are for x86_64 Linux; this is "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        SYSCALL_ADDRESS = LINKER.defaultLookup()
                .find("syscall")
                .orElseThrow(() -> new ExceptionInInitializerError("libc has no syscall()"));
        SYSCALL = LINKER.downcallHandle(
                SYSCALL_ADDRESS, SIX_LONGS, Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    /**
     * The same gate as a "critical" downcall: no Java thread-state transition around the call,
     * which saves a few tens of nanoseconds. Only for calls that return quickly and never block
     * (map element operations on memory bpf4j owns): the GC cannot reach a safepoint during them.
     * Made on first use: each downcall handle spins its own stub class (not kept by the AOT
     * cache), which a process that only loads objects need not pay for.
     */
    private static final class Critical {
        static final MethodHandle SYSCALL_CRITICAL = LINKER.downcallHandle(
                SYSCALL_ADDRESS,
                SIX_LONGS,
                Linker.Option.firstVariadicArg(1),
                Linker.Option.captureCallState("errno"),
                Linker.Option.critical(false));

        private Critical() {}
    }

    private Libc() {}

    /** Size and alignment of the per-thread errno capture area. */
    static StructLayout captureLayout() {
        return CAPTURE_LAYOUT;
    }

    /**
     * Calls {@code syscall(nr, a1..a6)}; returns its result, or {@code -errno} on failure.
     * The errno capture area comes from the calling thread's {@link Scratch}.
     */
    public static long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        MemorySegment state = Scratch.get().errnoState;
        long r;
        try {
            r = (long) SYSCALL.invokeExact(state, nr, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
        if (r == -1) {
            return -state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
        }
        return r;
    }

    /** {@link #syscall} through the critical gate: only for short, non-blocking calls. */
    public static long syscallCritical(long nr, long a1, long a2, long a3) {
        MemorySegment state = Scratch.get().errnoState;
        long r;
        try {
            r = (long) Critical.SYSCALL_CRITICAL.invokeExact(state, nr, a1, a2, a3, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
        if (r == -1) {
            return -state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
        }
        return r;
    }

    /** {@link #syscall} with three arguments. */
    public static long syscall(long nr, long a1, long a2, long a3) {
        return syscall(nr, a1, a2, a3, 0, 0, 0);
    }

    static RuntimeException linkageFailure(Throwable t) {
        if (t instanceof IllegalCallerException ice) {
            return new IllegalStateException(
                    "bpf4j needs native access: run java with "
                            + "--enable-native-access=io.bpf4j (module path) or --enable-native-access=ALL-UNNAMED "
                            + "(class path)",
                    ice);
        }
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
