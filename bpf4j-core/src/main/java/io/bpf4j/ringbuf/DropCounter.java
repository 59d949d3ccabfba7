package io.bpf4j.ringbuf;

import io.bpf4j.BpfMap;
import io.bpf4j.MapType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where a BPF program counts the records it could not put in a ring buffer: a u64 slot of an
 * ARRAY or PERCPU_ARRAY map that the program increments when {@code bpf_ringbuf_output} or
 * {@code bpf_ringbuf_reserve} fails (the kernel keeps no such count itself). Together with
 * {@link RingBuffer#processed()} it shows a consumer that falls behind.
 *
 * <pre>{@code
 * // BPF: if (bpf_ringbuf_output(&events, &e, sizeof(e), 0)) { __u64 *n = bpf_map_lookup_elem(&drops, &zero); if (n) (*n)++; }
 * RingBuffer rb = RingBuffer.open(obj.map("events"), new DropCounter(obj.map("drops"), 0));
 * long lost = rb.dropped().orElse(0);
 * }</pre>
 *
 * <p>The counter reads the map through the caller's {@link BpfMap}; it does not own it.
 *
 * @param map an ARRAY or PERCPU_ARRAY map with 8-byte values
 * @param index the slot the program increments
 */
public record DropCounter(BpfMap map, int index) {
    /** Checks the map's type, value size and the index. */
    public DropCounter {
        if (map.type() != MapType.ARRAY && map.type() != MapType.PERCPU_ARRAY) {
            throw new IllegalArgumentException(
                    "drop counter map \"" + map.name() + "\" is " + map.type() + ", not an ARRAY or PERCPU_ARRAY");
        }
        if (map.valueSize() != 8) {
            throw new IllegalArgumentException(
                    "drop counter map \"" + map.name() + "\" has " + map.valueSize() + "-byte values, not a u64");
        }
        if (index < 0 || index >= map.maxEntries()) {
            throw new IllegalArgumentException("drop counter index " + index + " is outside map \"" + map.name()
                    + "\" (max_entries " + map.maxEntries() + ")");
        }
    }

    /**
     * The count now: the slot's value, summed over CPUs for a per-CPU map.
     *
     * @return the sum over all CPUs
     */
    public long read() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, index);
            MemorySegment value = arena.allocate(map.valueBufferSize(), 8);
            if (!map.lookup(key, value)) {
                return 0; // arrays always have the slot; a map being torn down reads as nothing counted
            }
            long sum = 0;
            for (long off = 0; off < value.byteSize(); off += 8) {
                sum += value.get(ValueLayout.JAVA_LONG, off);
            }
            return sum;
        }
    }
}
