package io.bpf4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread native scratch memory for the hot paths: the errno capture area, a zeroed attr
 * buffer for bpf(2), and growable key/value buffers for callers that hand bpf4j heap arrays.
 * Reusing them is what keeps a map lookup free of allocation. A thread's scratch is freed by the
 * GC with the thread ({@link Arena#ofAuto()}).
 */
public final class Scratch {
    /** Big enough for every bpf_attr member bpf4j sends (the kernel accepts a shorter attr). */
    public static final int ATTR_SIZE = 160;

    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final Arena arena = Arena.ofAuto();
    final MemorySegment errnoState = arena.allocate(Libc.captureLayout());
    private final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
    private MemorySegment key = arena.allocate(64, 8);
    private MemorySegment value = arena.allocate(256, 8);

    private Scratch() {}

    /** The calling thread's scratch. Never share it with another thread. */
    public static Scratch get() {
        return LOCAL.get();
    }

    /** The attr buffer, zeroed over its first {@code size} bytes (rounded up to 8). */
    public MemorySegment attr(int size) {
        for (long off = 0; off < size; off += 8) {
            attr.set(java.lang.foreign.ValueLayout.JAVA_LONG, off, 0L);
        }
        return attr;
    }

    /**
     * The attr buffer as the last call left it, for callers that write every byte of the member
     * they send (the hot map paths skip zeroing that way).
     */
    public MemorySegment attrUnzeroed() {
        return attr;
    }

    /** A key buffer of at least {@code size} bytes (contents undefined). */
    public MemorySegment key(long size) {
        if (key.byteSize() < size) {
            key = arena.allocate(Math.max(size, key.byteSize() * 2), 8);
        }
        return key;
    }

    /** A value buffer of at least {@code size} bytes (contents undefined). */
    public MemorySegment value(long size) {
        if (value.byteSize() < size) {
            value = arena.allocate(Math.max(size, value.byteSize() * 2), 8);
        }
        return value;
    }
}
