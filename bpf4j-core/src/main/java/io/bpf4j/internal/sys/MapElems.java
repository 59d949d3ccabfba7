package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * The map element commands (BPF_MAP_LOOKUP_ELEM, UPDATE_ELEM, DELETE_ELEM, LOOKUP_AND_DELETE_ELEM,
 * GET_NEXT_KEY, FREEZE), one function each, filling the {@link Attr.MapElem} layout. Keys and
 * values are native addresses (0 for none: queues and stacks take no key); every function
 * returns 0 or the negated errno, and the caller turns that into its exception.
 *
 * <pre>{@code
 * long r = MapElems.lookup(fd, key.address(), value.address(), 0, true);
 * if (r == -Errno.ENOENT.number()) { ... }
 * }</pre>
 *
 * <p>These are the hot paths of {@code BpfMap}: every function writes all 32 bytes of the attr
 * in four stores (no separate zeroing pass) into the thread's {@link Scratch} attr buffer.
 */
public final class MapElems {
    private MapElems() {}

    /**
     * BPF_MAP_LOOKUP_ELEM of {@code key} into {@code value} with {@code flags} (0 or BPF_F_LOCK).
     * {@code critical}: the map type's element calls are short and never sleep, so the call may
     * take the critical downcall ({@link Bpf#callElem}).
     */
    public static long lookup(int fd, long key, long value, long flags, boolean critical) {
        return elem(BpfCmd.MAP_LOOKUP_ELEM, fd, key, value, flags, critical);
    }

    /** BPF_MAP_UPDATE_ELEM of {@code key} to {@code value}; {@code flags} BPF_ANY, NOEXIST, EXIST, F_LOCK. */
    public static long update(int fd, long key, long value, long flags, boolean critical) {
        return elem(BpfCmd.MAP_UPDATE_ELEM, fd, key, value, flags, critical);
    }

    /** BPF_MAP_LOOKUP_AND_DELETE_ELEM of {@code key} into {@code value} (queues, stacks: key 0). */
    public static long lookupAndDelete(int fd, long key, long value, long flags) {
        return elem(BpfCmd.MAP_LOOKUP_AND_DELETE_ELEM, fd, key, value, flags, false);
    }

    /** BPF_MAP_DELETE_ELEM of {@code key}. */
    public static long delete(int fd, long key) {
        return elem(BpfCmd.MAP_DELETE_ELEM, fd, key, 0L, 0L, false);
    }

    /**
     * BPF_MAP_GET_NEXT_KEY: the key after {@code key} (0: the first key) into {@code nextKey};
     * -ENOENT at the end of the map.
     */
    public static long nextKey(int fd, long key, long nextKey) {
        return elem(BpfCmd.MAP_GET_NEXT_KEY, fd, key, nextKey, 0L, false);
    }

    /** BPF_MAP_FREEZE: the map becomes read-only for user space. */
    public static long freeze(int fd) {
        return elem(BpfCmd.MAP_FREEZE, fd, 0L, 0L, 0L, false);
    }

    private static long elem(BpfCmd cmd, int fd, long key, long value, long flags, boolean critical) {
        MemorySegment attr = Scratch.get().attrUnzeroed();
        // map_fd and the 4 bytes of padding after it, in one store.
        attr.set(JAVA_LONG, Attr.MapElem.MAP_FD, fd & 0xffff_ffffL);
        attr.set(JAVA_LONG, Attr.MapElem.KEY, key);
        attr.set(JAVA_LONG, Attr.MapElem.VALUE, value);
        attr.set(JAVA_LONG, Attr.MapElem.FLAGS, flags);
        return critical ? Bpf.callElem(cmd, attr, Attr.MapElem.SIZE) : Bpf.call(cmd, attr, Attr.MapElem.SIZE);
    }
}
