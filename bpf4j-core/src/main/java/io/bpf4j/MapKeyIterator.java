package io.bpf4j;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.lang.foreign.MemorySegment;

/**
 * Walks a map's keys with BPF_MAP_GET_NEXT_KEY. If the current key is deleted meanwhile, hash
 * maps restart from their first key; the walk then may repeat keys, and it stops with an error
 * after 4 × max_entries keys instead of looping forever (cilium/ebpf's MapIterator does the same).
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
        this.limit = 4L * Math.max(1, map.maxEntries());
    }

    @Override
    public boolean hasNext() {
        if (!fetched) {
            byte[] out = new byte[map.keySize()];
            Optional<MemorySegment> from = current == null ? Optional.empty() : Optional.of(MemorySegment.ofArray(current));
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
            throw new BpfException(map.what() + ": iteration saw more than " + limit
                    + " keys; entries are being deleted faster than it can walk");
        }
        current = next;
        fetched = false;
        return current.clone();
    }
}
