package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.bpf4j.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** perf_event_open(2) with {@code struct perf_event_attr} (PERF_ATTR_SIZE_VER7), and its ioctls. */
public final class PerfEvents {
    public static final int TYPE_HARDWARE = 0;
    public static final int TYPE_SOFTWARE = 1;
    public static final int TYPE_TRACEPOINT = 2;
    public static final int SW_CPU_CLOCK = 0;
    public static final int SW_BPF_OUTPUT = 10;
    public static final long SAMPLE_RAW = 1L << 10;
    /** attr flag bits. */
    public static final long FLAG_DISABLED = 1L;

    public static final long FLAG_FREQ = 1L << 10;
    public static final long FLAG_WATERMARK = 1L << 14;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    private static final long IOC_ENABLE = 0x2400;
    private static final long IOC_DISABLE = 0x2401;
    private static final long IOC_SET_BPF = 0x40042408L;

    /** struct perf_event_attr up to config2/aux fields (128 bytes). */
    public static final StructLayout ATTR = MemoryLayout.structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("size"),
            JAVA_LONG.withName("config"),
            JAVA_LONG.withName("sample_period"),
            JAVA_LONG.withName("sample_type"),
            JAVA_LONG.withName("read_format"),
            JAVA_LONG.withName("flags"),
            JAVA_INT.withName("wakeup_events"),
            JAVA_INT.withName("bp_type"),
            JAVA_LONG.withName("config1"),
            JAVA_LONG.withName("config2"),
            JAVA_LONG.withName("branch_sample_type"),
            JAVA_LONG.withName("sample_regs_user"),
            JAVA_INT.withName("sample_stack_user"),
            JAVA_INT.withName("clockid"),
            JAVA_LONG.withName("sample_regs_intr"),
            JAVA_INT.withName("aux_watermark"),
            JAVA_SHORT.withName("sample_max_stack"),
            JAVA_SHORT.withName("reserved_2"),
            JAVA_INT.withName("aux_sample_size"),
            JAVA_INT.withName("reserved_3"),
            JAVA_LONG.withName("sig_data"));

    /**
     * What to open.
     *
     * @param type PERF_TYPE_*
     * @param config event id within the type (tracepoint id, PERF_COUNT_SW_*, ...)
     * @param samplePeriod period, or frequency with {@link #FLAG_FREQ}
     * @param sampleType PERF_SAMPLE_* bits
     * @param flags attr flag bits ({@link #FLAG_DISABLED}, ...)
     * @param wakeupEvents wake the reader every N events (or bytes with {@link #FLAG_WATERMARK})
     * @param config1 kprobe/uprobe: the function name or path pointer
     * @param config2 kprobe/uprobe: offset
     */
    public record Attr(
            int type,
            long config,
            long samplePeriod,
            long sampleType,
            long flags,
            int wakeupEvents,
            long config1,
            long config2) {
        /** A plain event of this type and config. */
        public static Attr of(int type, long config) {
            return new Attr(type, config, 0, 0, 0, 0, 0, 0);
        }
    }

    private PerfEvents() {}

    /**
     * Opens a perf event.
     *
     * @param pid the process (-1: all), {@code cpu} the CPU (-1: any)
     * @param what names the event in errors
     */
    public static Fd open(Attr a, int pid, int cpu, String what) {
        return open(a, pid, cpu, 0, what);
    }

    /** PERF_FLAG_PID_CGROUP: {@code pid} is the fd of a cgroup v2 directory, {@code cpu} must be a CPU. */
    public static final long FLAG_PID_CGROUP = 4;

    /** {@link #open(Attr, int, int, String)} with extra PERF_FLAG_* bits (e.g. {@link #FLAG_PID_CGROUP}). */
    public static Fd open(Attr a, int pid, int cpu, long extraFlags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR);
            attr.set(JAVA_INT, 0, a.type());
            attr.set(JAVA_INT, 4, (int) ATTR.byteSize());
            attr.set(JAVA_LONG, 8, a.config());
            attr.set(JAVA_LONG, 16, a.samplePeriod());
            attr.set(JAVA_LONG, 24, a.sampleType());
            attr.set(JAVA_LONG, 40, a.flags());
            attr.set(JAVA_INT, 48, a.wakeupEvents());
            attr.set(JAVA_LONG, 56, a.config1());
            attr.set(JAVA_LONG, 64, a.config2());
            long r = Libc.syscall(
                    Libc.SYS_PERF_EVENT_OPEN, attr.address(), pid, cpu, -1, PERF_FLAG_FD_CLOEXEC | extraFlags, 0);
            if (r < 0) {
                throw new BpfException("cannot open perf event " + what, (int) -r, "perf_event_open", what);
            }
            return new Fd((int) r, "perf event " + what);
        }
    }

    /** PERF_EVENT_IOC_ENABLE. */
    public static void enable(Fd fd) {
        ioctl(fd, IOC_ENABLE, 0, "PERF_EVENT_IOC_ENABLE");
    }

    /** PERF_EVENT_IOC_DISABLE. */
    public static void disable(Fd fd) {
        ioctl(fd, IOC_DISABLE, 0, "PERF_EVENT_IOC_DISABLE");
    }

    /** PERF_EVENT_IOC_DISABLE, ignoring errors (teardown). */
    public static void disableQuietly(Fd fd) {
        try {
            disable(fd);
        } catch (RuntimeException ignored) {
            // closing the fd stops the event anyway
        }
    }

    /** PERF_EVENT_IOC_SET_BPF: the pre-BPF-link way to attach a program to a perf event. */
    public static void setBpf(Fd fd, int progFd) {
        ioctl(fd, IOC_SET_BPF, progFd, "PERF_EVENT_IOC_SET_BPF");
    }

    private static void ioctl(Fd fd, long request, long arg, String name) {
        int raw = fd.acquire();
        try {
            long r = Libc.syscall(Libc.SYS_IOCTL, raw, request, arg);
            if (r < 0) {
                throw new BpfException(name + " failed on " + fd.what(), (int) -r, "ioctl", fd.what());
            }
        } finally {
            fd.release();
        }
    }
}
