package io.bpf4j.internal.sys;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.NotSupportedException;
import io.bpf4j.PermissionException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * perf_event_open(2) and the perf ioctls bpf4j needs: the full {@code struct perf_event_attr}
 * (PERF_ATTR_SIZE_VER8, 136 bytes), ENABLE/DISABLE/RESET and SET_BPF.
 *
 * <pre>{@code
 * var attr = PerfEvents.Attr.of(PerfEvents.TYPE_SOFTWARE, PerfEvents.SW_BPF_OUTPUT)
 *         .withSampleType(PerfEvents.SAMPLE_RAW).withWakeupEvents(1);
 * try (Fd fd = PerfEvents.open(attr, -1, cpu, -1, "perf buffer cpu " + cpu)) {
 *     PerfEvents.enable(fd);
 * }
 * }</pre>
 */
public final class PerfEvents {
    /** {@code sizeof(struct perf_event_attr)} in the version bpf4j writes (VER8). */
    public static final int ATTR_SIZE = 136;

    // enum perf_type_id
    public static final int TYPE_HARDWARE = 0;
    public static final int TYPE_SOFTWARE = 1;
    public static final int TYPE_TRACEPOINT = 2;
    public static final int TYPE_HW_CACHE = 3;
    public static final int TYPE_RAW = 4;
    public static final int TYPE_BREAKPOINT = 5;

    // enum perf_sw_ids
    public static final long SW_CPU_CLOCK = 0;
    public static final long SW_TASK_CLOCK = 1;
    public static final long SW_PAGE_FAULTS = 2;
    public static final long SW_CONTEXT_SWITCHES = 3;
    public static final long SW_CPU_MIGRATIONS = 4;
    public static final long SW_PAGE_FAULTS_MIN = 5;
    public static final long SW_PAGE_FAULTS_MAJ = 6;
    public static final long SW_ALIGNMENT_FAULTS = 7;
    public static final long SW_EMULATION_FAULTS = 8;
    public static final long SW_DUMMY = 9;
    public static final long SW_BPF_OUTPUT = 10;
    public static final long SW_CGROUP_SWITCHES = 11;

    // enum perf_hw_id
    public static final long HW_CPU_CYCLES = 0;
    public static final long HW_INSTRUCTIONS = 1;
    public static final long HW_CACHE_REFERENCES = 2;
    public static final long HW_CACHE_MISSES = 3;
    public static final long HW_BRANCH_INSTRUCTIONS = 4;
    public static final long HW_BRANCH_MISSES = 5;
    public static final long HW_BUS_CYCLES = 6;
    public static final long HW_STALLED_CYCLES_FRONTEND = 7;
    public static final long HW_STALLED_CYCLES_BACKEND = 8;
    public static final long HW_REF_CPU_CYCLES = 9;

    // enum perf_event_sample_format (the bits bpf4j uses)
    public static final long SAMPLE_IP = 1L << 0;
    public static final long SAMPLE_TID = 1L << 1;
    public static final long SAMPLE_TIME = 1L << 2;
    public static final long SAMPLE_CPU = 1L << 7;
    public static final long SAMPLE_PERIOD = 1L << 8;
    public static final long SAMPLE_RAW = 1L << 10;

    // the bit field word at offset 40
    public static final long FLAG_DISABLED = 1L << 0;
    public static final long FLAG_INHERIT = 1L << 1;
    public static final long FLAG_PINNED = 1L << 2;
    public static final long FLAG_EXCLUSIVE = 1L << 3;
    public static final long FLAG_EXCLUDE_USER = 1L << 4;
    public static final long FLAG_EXCLUDE_KERNEL = 1L << 5;
    public static final long FLAG_EXCLUDE_HV = 1L << 6;
    public static final long FLAG_EXCLUDE_IDLE = 1L << 7;
    public static final long FLAG_FREQ = 1L << 10;
    public static final long FLAG_ENABLE_ON_EXEC = 1L << 12;
    public static final long FLAG_WATERMARK = 1L << 14;
    public static final long FLAG_SAMPLE_ID_ALL = 1L << 18;

    // perf_event_open flags
    public static final long OPEN_FD_NO_GROUP = 1L << 0;
    public static final long OPEN_FD_OUTPUT = 1L << 1;
    public static final long OPEN_PID_CGROUP = 1L << 2;
    public static final long OPEN_FD_CLOEXEC = 1L << 3;

    // ioctl numbers: _IO('$', n) and _IOW('$', n, __u32)
    public static final long IOC_ENABLE = 0x2400;
    public static final long IOC_DISABLE = 0x2401;
    public static final long IOC_REFRESH = 0x2402;
    public static final long IOC_RESET = 0x2403;
    public static final long IOC_SET_BPF = 0x40042408L;
    public static final long IOC_PAUSE_OUTPUT = 0x40042409L;

    // field offsets in struct perf_event_attr
    static final long OFF_TYPE = 0;
    static final long OFF_SIZE = 4;
    static final long OFF_CONFIG = 8;
    static final long OFF_SAMPLE_PERIOD = 16; // union with sample_freq
    static final long OFF_SAMPLE_TYPE = 24;
    static final long OFF_READ_FORMAT = 32;
    static final long OFF_FLAGS = 40;
    static final long OFF_WAKEUP = 48; // union wakeup_events / wakeup_watermark
    static final long OFF_BP_TYPE = 52;
    static final long OFF_CONFIG1 = 56; // bp_addr / kprobe_func / uprobe_path
    static final long OFF_CONFIG2 = 64; // bp_len / kprobe_addr / probe_offset
    static final long OFF_BRANCH_SAMPLE_TYPE = 72;
    static final long OFF_SAMPLE_REGS_USER = 80;
    static final long OFF_SAMPLE_STACK_USER = 88;
    static final long OFF_CLOCKID = 92;
    static final long OFF_SAMPLE_REGS_INTR = 96;
    static final long OFF_AUX_WATERMARK = 104;
    static final long OFF_SAMPLE_MAX_STACK = 108;
    static final long OFF_AUX_SAMPLE_SIZE = 112;
    static final long OFF_SIG_DATA = 120;
    static final long OFF_CONFIG3 = 128;

    private PerfEvents() {
    }

    /**
     * The fields of {@code struct perf_event_attr} bpf4j sets; everything else is zero.
     * {@code config1}/{@code config2} carry the kprobe/uprobe function name or path pointer and
     * offset (the caller keeps that memory alive across {@link #open}).
     *
     * @param periodOrFreq sample_period, or sample_freq when {@code flags} has {@link #FLAG_FREQ}
     * @param wakeup wakeup_events, or wakeup_watermark (bytes) when {@code flags} has {@link #FLAG_WATERMARK}
     */
    public record Attr(int type, long config, long periodOrFreq, long sampleType, long readFormat,
                       long flags, int wakeup, long config1, long config2) {

        /** An event of {@code type}/{@code config}, everything else zero. */
        public static Attr of(int type, long config) {
            return new Attr(type, config, 0, 0, 0, 0, 0, 0, 0);
        }

        public Attr withSamplePeriod(long period) {
            return new Attr(type, config, period, sampleType, readFormat, flags & ~FLAG_FREQ, wakeup, config1, config2);
        }

        public Attr withSampleFreq(long hz) {
            return new Attr(type, config, hz, sampleType, readFormat, flags | FLAG_FREQ, wakeup, config1, config2);
        }

        public Attr withSampleType(long bits) {
            return new Attr(type, config, periodOrFreq, bits, readFormat, flags, wakeup, config1, config2);
        }

        public Attr withFlags(long bits) {
            return new Attr(type, config, periodOrFreq, sampleType, readFormat, flags | bits, wakeup, config1, config2);
        }

        public Attr withWakeupEvents(int events) {
            return new Attr(type, config, periodOrFreq, sampleType, readFormat, flags & ~FLAG_WATERMARK, events,
                    config1, config2);
        }

        public Attr withWakeupWatermark(int bytes) {
            return new Attr(type, config, periodOrFreq, sampleType, readFormat, flags | FLAG_WATERMARK, bytes,
                    config1, config2);
        }

        public Attr withConfig12(long c1, long c2) {
            return new Attr(type, config, periodOrFreq, sampleType, readFormat, flags, wakeup, c1, c2);
        }

        /** Writes this attr into {@code seg} (at least {@link #ATTR_SIZE} bytes, zeroed here). */
        public void writeTo(MemorySegment seg) {
            seg.asSlice(0, ATTR_SIZE).fill((byte) 0);
            seg.set(JAVA_INT, OFF_TYPE, type);
            seg.set(JAVA_INT, OFF_SIZE, ATTR_SIZE);
            seg.set(JAVA_LONG, OFF_CONFIG, config);
            seg.set(JAVA_LONG, OFF_SAMPLE_PERIOD, periodOrFreq);
            seg.set(JAVA_LONG, OFF_SAMPLE_TYPE, sampleType);
            seg.set(JAVA_LONG, OFF_READ_FORMAT, readFormat);
            seg.set(JAVA_LONG, OFF_FLAGS, flags);
            seg.set(JAVA_INT, OFF_WAKEUP, wakeup);
            seg.set(JAVA_LONG, OFF_CONFIG1, config1);
            seg.set(JAVA_LONG, OFF_CONFIG2, config2);
        }
    }

    /**
     * perf_event_open(attr, pid, cpu, groupFd, PERF_FLAG_FD_CLOEXEC | extraFlags) as an owned fd.
     *
     * @param pid a pid/tid, -1 for all, or a cgroup fd with {@link #OPEN_PID_CGROUP}
     * @param cpu a cpu number, or -1 for any
     * @param what what the event is, for errors (e.g. {@code tracepoint syscalls/sys_enter_execve})
     * @throws NotSupportedException ENOENT/EOPNOTSUPP: no such event on this machine
     */
    public static Fd open(Attr attr, int pid, int cpu, int groupFd, long extraFlags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(ATTR_SIZE, 8);
            attr.writeTo(seg);
            long r = Libc.syscall(Libc.SYS_PERF_EVENT_OPEN, seg.address(), pid, cpu, groupFd,
                    OPEN_FD_CLOEXEC | extraFlags, 0);
            if (r < 0) {
                throw openError((int) -r, pid, cpu, what);
            }
            return new Fd((int) r, what);
        }
    }

    /** {@link #open} with no group and no extra flags. */
    public static Fd open(Attr attr, int pid, int cpu, String what) {
        return open(attr, pid, cpu, -1, 0, what);
    }

    private static BpfException openError(int errno, int pid, int cpu, String what) {
        String where = " (pid " + pid + ", cpu " + cpu + ")";
        if (errno == Errno.ENOENT.number() || errno == Errno.EOPNOTSUPP.number()) {
            return new NotSupportedException(what + where, "", errno, "perf_event_open", what);
        }
        if (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) {
            return new PermissionException("cannot open perf event" + where, errno, "perf_event_open", what);
        }
        return new BpfException("cannot open perf event" + where, errno, "perf_event_open", what);
    }

    /** PERF_EVENT_IOC_ENABLE. */
    public static void enable(Fd fd) {
        ioctl(fd, IOC_ENABLE, 0, "PERF_EVENT_IOC_ENABLE");
    }

    /** PERF_EVENT_IOC_DISABLE. */
    public static void disable(Fd fd) {
        ioctl(fd, IOC_DISABLE, 0, "PERF_EVENT_IOC_DISABLE");
    }

    /** PERF_EVENT_IOC_RESET. */
    public static void reset(Fd fd) {
        ioctl(fd, IOC_RESET, 0, "PERF_EVENT_IOC_RESET");
    }

    /** PERF_EVENT_IOC_SET_BPF: the legacy (pre-link) way to run a program on a perf event. */
    public static void setBpf(Fd fd, int progFd) {
        ioctl(fd, IOC_SET_BPF, progFd, "PERF_EVENT_IOC_SET_BPF");
    }

    /** PERF_EVENT_IOC_PAUSE_OUTPUT: pause (true) or resume writing to the event's ring. */
    public static void pauseOutput(Fd fd, boolean pause) {
        ioctl(fd, IOC_PAUSE_OUTPUT, pause ? 1 : 0, "PERF_EVENT_IOC_PAUSE_OUTPUT");
    }

    private static void ioctl(Fd fd, long request, long arg, String name) {
        int raw = fd.acquire();
        try {
            long r = Libc.syscall(Libc.SYS_IOCTL, raw, request, arg);
            if (r < 0) {
                int errno = (int) -r;
                if (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) {
                    throw new PermissionException("ioctl " + name + " failed", errno, "ioctl(" + name + ")", fd.what());
                }
                throw new BpfException("ioctl " + name + " failed", errno, "ioctl(" + name + ")", fd.what());
            }
        } finally {
            fd.release();
        }
    }
}
