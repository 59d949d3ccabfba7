package io.bpf4j;

import java.lang.foreign.MemorySegment;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Walks a map's keys with BPF_MAP_GET_NEXT_KEY, as cilium/ebpf's MapIterator does. When the
 * current key is deleted meanwhile, the kernel restarts a hash map from its first key, so keys may
 * come again; a map holds at most max_entries keys, so a walk that has returned more than that
 * is being outrun by deletes and inserts and stops with a {@link BpfException} ("iteration
 * aborted") instead of restarting forever. Deleting the key just returned (drain-as-you-go) is
 * safe: the restart lands on the next key still there.
 */
final class MapKeyIterator implements Iterator<byte[]> {
    private final BpfMap map;
    private final long limit;
    private long seen;
    private byte[] current;
    private byte[] next;
    private boolean fetched;

    MapKeyIterator(BpfMap map) {
        this.map = map;
        this.limit = Math.max(1, map.maxEntries());
    }

    @Override
    public boolean hasNext() {
        if (!fetched) {
            byte[] out = new byte[map.keySize()];
            Optional<MemorySegment> from =
                    current == null ? Optional.empty() : Optional.of(MemorySegment.ofArray(current));
            next = map.nextKey(from, MemorySegment.ofArray(out)) ? out : null;
            fetched = true;
        }
        return next != null;
    }

    @Override
    public byte[] next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (++seen > limit) {
            throw new BpfException(map.what() + ": iteration aborted after " + limit
                    + " keys (max_entries): keys are deleted and added faster than the walk advances");
        }
        current = next;
        fetched = false;
        return current.clone();
    }
}
