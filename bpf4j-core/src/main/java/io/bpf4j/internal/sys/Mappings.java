package io.bpf4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * The kernel memory an event reader or writer maps (ring buffer pages, perf rings), owned by one
 * shared arena: every segment into it has the arena's scope, so after {@link #close()} any use
 * throws IllegalStateException instead of touching unmapped memory, and a close racing a reader
 * makes the reader throw (the JDK's shared-arena handshake) rather than crash. A reader or writer
 * that is forgotten without close is unmapped by a {@link Cleaner}; close and the Cleaner unmap once.
 */
public final class Mappings implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Arena arena = Arena.ofShared();
    private final Cleaner.Cleanable cleanable;

    /** Set by close(): a Cleaner run without it is a forgotten owner ({@link Leaks}). */
    private final java.util.concurrent.atomic.AtomicBoolean asked = new java.util.concurrent.atomic.AtomicBoolean();

    /** Mappings that are released when {@code owner} becomes unreachable, if not closed before. */
    public Mappings(Object owner) {
        Arena a = arena; // the action must not reference this object or the owner
        java.util.concurrent.atomic.AtomicBoolean closed = asked;
        String what = "mappings of " + owner.getClass().getSimpleName();
        Throwable where = Leaks.creation(what);
        this.cleanable = CLEANER.register(owner, () -> {
            a.close();
            if (!closed.get()) {
                Leaks.released(what, where);
            }
        });
    }

    /** Maps {@code length} bytes of {@code fd} at {@code offset} ({@link Mmap#map}), released by {@link #close()}. */
    public MemorySegment map(Fd fd, long length, int prot, long offset) {
        return Mmap.map(fd, length, prot, offset, arena);
    }

    /** Unmaps everything; segments into it throw IllegalStateException from now on. Idempotent. */
    @Override
    public void close() {
        asked.set(true);
        cleanable.clean();
    }
}
