package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Before Linux 5.11 the kernel charged BPF maps and programs to RLIMIT_MEMLOCK (from 5.11 to the
 * memory cgroup), and the default limit (64 KiB or 8 MiB) refuses all but tiny maps with EPERM.
 * As libbpf does ({@code bump_rlimit_memlock}), the limit is raised to unlimited once, before the
 * first map, program or BTF is created, on kernels that still charge it; there it is what every
 * BPF loader does, and on newer kernels nothing is changed.
 */
public final class Memlock {
    private static final long SYS_PRLIMIT64 = 302;
    private static final int RLIMIT_MEMLOCK = 8;
    private static final long RLIM_INFINITY = -1L;
    /** {@code BPF_FUNC_ktime_get_coarse_ns}: came in 5.11 with memcg accounting; libbpf probes it the same way. */
    private static final int KTIME_GET_COARSE_NS = 160;

    private static final int PROG_TYPE_CGROUP_SKB = 8;

    private static volatile boolean checked;

    private Memlock() {}

    /** Raises RLIMIT_MEMLOCK once per JVM where the kernel charges BPF objects to it. */
    public static void ensureRaised() {
        if (checked) {
            return;
        }
        synchronized (Memlock.class) {
            if (checked) {
                return;
            }
            checked = true;
            if (!memcgAccounted()) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment lim = arena.allocate(16, 8);
                    lim.set(JAVA_LONG, 0, RLIM_INFINITY);
                    lim.set(JAVA_LONG, 8, RLIM_INFINITY);
                    // Best effort, as libbpf: without CAP_SYS_RESOURCE the loads say EPERM themselves.
                    Libc.syscall(SYS_PRLIMIT64, 0, RLIMIT_MEMLOCK, lim.address(), 0, 0, 0);
                }
            }
        }
    }

    /** As libbpf's {@code probe_memcg_account}: a cgroup_skb program calling bpf_ktime_get_coarse_ns loads. */
    private static boolean memcgAccounted() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(16, 8);
            insns.set(JAVA_LONG, 0, 0x85L | ((long) KTIME_GET_COARSE_NS << 32)); // call ktime_get_coarse_ns
            insns.set(JAVA_LONG, 8, 0x95L); // exit
            MemorySegment license = arena.allocateFrom("GPL");
            MemorySegment attr = arena.allocate(Attr.ProgLoad.LAYOUT);
            attr.set(java.lang.foreign.ValueLayout.JAVA_INT, Attr.ProgLoad.PROG_TYPE, PROG_TYPE_CGROUP_SKB);
            attr.set(java.lang.foreign.ValueLayout.JAVA_INT, Attr.ProgLoad.INSN_CNT, 2);
            attr.set(JAVA_LONG, Attr.ProgLoad.INSNS, insns.address());
            attr.set(JAVA_LONG, Attr.ProgLoad.LICENSE, license.address());
            long fd = Bpf.call(BpfCmd.PROG_LOAD, attr, Attr.ProgLoad.SIZE);
            if (fd >= 0) {
                Libc.syscall(Libc.SYS_CLOSE, fd, 0, 0);
                return true;
            }
            return false;
        }
    }
}
