package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * The map batch commands (BPF_MAP_LOOKUP_BATCH, LOOKUP_AND_DELETE_BATCH, UPDATE_BATCH,
 * DELETE_BATCH), filling the {@link Attr.Batch} layout. Buffers and batch tokens are native
 * addresses. The kernel answers twice, with a result and with the number of elements it
 * processed (written back into the attr, also on failure); both come back packed in one
 * {@code long}, so the hot path allocates nothing: {@link #result} and {@link #count} unpack it.
 *
 * <pre>{@code
 * long rc = MapBatch.lookup(BpfCmd.MAP_LOOKUP_BATCH, fd, 0, token, keys, values, 1000);
 * int n = MapBatch.count(rc);
 * if (MapBatch.result(rc) == -Errno.ENOENT.number()) { ... the map is done ... }
 * }</pre>
 */
public final class MapBatch {
    private MapBatch() {}

    /**
     * BPF_MAP_LOOKUP_BATCH or BPF_MAP_LOOKUP_AND_DELETE_BATCH ({@code cmd}): up to {@code count}
     * elements from where token {@code inBatch} left off (0: from the start) into {@code keys} and
     * {@code values}, the next position into token {@code outBatch}.
     *
     * @return the packed result and count
     */
    public static long lookup(BpfCmd cmd, int fd, long inBatch, long outBatch, long keys, long values, int count) {
        MemorySegment attr = Scratch.get().attr(Attr.Batch.SIZE);
        attr.set(JAVA_LONG, Attr.Batch.IN_BATCH, inBatch);
        attr.set(JAVA_LONG, Attr.Batch.OUT_BATCH, outBatch);
        attr.set(JAVA_LONG, Attr.Batch.KEYS, keys);
        attr.set(JAVA_LONG, Attr.Batch.VALUES, values);
        attr.set(JAVA_INT, Attr.Batch.COUNT, count);
        attr.set(JAVA_INT, Attr.Batch.MAP_FD, fd);
        return send(cmd, attr);
    }

    /**
     * BPF_MAP_UPDATE_BATCH or BPF_MAP_DELETE_BATCH ({@code cmd}) of {@code count} elements
     * ({@code values} 0 for a delete), each with {@code elemFlags} (BPF_ANY or BPF_F_LOCK).
     *
     * @return the packed result and count (the elements written before a failure)
     */
    public static long write(BpfCmd cmd, int fd, long keys, long values, int count, long elemFlags) {
        MemorySegment attr = Scratch.get().attr(Attr.Batch.SIZE);
        attr.set(JAVA_LONG, Attr.Batch.KEYS, keys);
        attr.set(JAVA_LONG, Attr.Batch.VALUES, values);
        attr.set(JAVA_INT, Attr.Batch.COUNT, count);
        attr.set(JAVA_INT, Attr.Batch.MAP_FD, fd);
        attr.set(JAVA_LONG, Attr.Batch.ELEM_FLAGS, elemFlags);
        return send(cmd, attr);
    }

    /** The kernel's result of a packed answer: 0 or the negated errno. */
    public static long result(long packed) {
        return (int) packed;
    }

    /** The number of elements the kernel processed, of a packed answer. */
    public static int count(long packed) {
        return (int) (packed >>> 32);
    }

    private static long send(BpfCmd cmd, MemorySegment attr) {
        long r = Bpf.call(cmd, attr, Attr.Batch.SIZE);
        int n = attr.get(JAVA_INT, Attr.Batch.COUNT);
        // bpf(2) answers 0 or -errno for the batch commands: the low half holds it whole.
        return ((long) n << 32) | (r & 0xffff_ffffL);
    }
}
