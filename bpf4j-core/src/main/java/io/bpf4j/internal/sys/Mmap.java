package io.bpf4j.internal.sys;

import io.bpf4j.BpfException;
import java.lang.foreign.MemorySegment;

/** mmap(2)/munmap(2) of kernel objects (ring buffers, perf rings, mmapable maps). */
public final class Mmap {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;

    private Mmap() {
    }

    /** The system page size. */
    public static long pageSize() {
        return 4096; // x86_64; bpf4j's syscall numbers are x86_64-only as well
    }

    /** Maps {@code length} bytes of {@code fd} at {@code offset}. */
    public static MemorySegment map(Fd fd, long length, int prot, long offset) {
        int raw = fd.acquire();
        try {
            long r = Libc.syscall(Libc.SYS_MMAP, 0, length, prot, MAP_SHARED, raw, offset);
            if (r < 0 && r > -4096) {
                throw new BpfException("cannot mmap " + length + " bytes of " + fd.what(), (int) -r, "mmap", fd.what());
            }
            return MemorySegment.ofAddress(r).reinterpret(length);
        } finally {
            fd.release();
        }
    }

    /** Unmaps a segment made by {@link #map}. */
    public static void unmap(MemorySegment segment) {
        Libc.syscall(Libc.SYS_MUNMAP, segment.address(), segment.byteSize(), 0);
    }
}
