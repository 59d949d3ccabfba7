package io.bpf4j.internal.sys;

import io.bpf4j.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** mmap(2)/munmap(2) of kernel objects (ring buffers, perf rings, mmapable maps). */
public final class Mmap {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;

    private Mmap() {}

    /** The system page size. */
    public static long pageSize() {
        return 4096; // x86_64; bpf4j's syscall numbers are x86_64-only as well
    }

    /**
     * Maps {@code length} bytes of {@code fd} at {@code offset} into a segment of {@code owner}:
     * closing the arena unmaps it, and every segment derived from it is then dead (a shared
     * arena's close makes a thread reading it at that moment throw IllegalStateException), so no
     * segment reads memory that is no longer mapped.
     */
    // reinterpret (restricted): the mapping's segment gets its true length and the owner's
    // lifetime, and is unmapped when the owner closes.
    @SuppressWarnings("restricted")
    public static MemorySegment map(Fd fd, long length, int prot, long offset, Arena owner) {
        long address;
        int raw = fd.acquire();
        try {
            long r = Libc.syscall(Libc.SYS_MMAP, 0, length, prot, MAP_SHARED, raw, offset);
            if (r < 0 && r > -4096) {
                throw new BpfException("cannot mmap " + length + " bytes of " + fd.what(), (int) -r, "mmap", fd.what());
            }
            address = r;
        } finally {
            fd.release();
        }
        try {
            return MemorySegment.ofAddress(address).reinterpret(length, owner, s -> unmap(address, length));
        } catch (RuntimeException e) { // the arena was closed meanwhile: nothing may keep the mapping
            unmap(address, length);
            throw e;
        }
    }

    private static void unmap(long address, long length) {
        Libc.syscall(Libc.SYS_MUNMAP, address, length, 0);
    }
}
