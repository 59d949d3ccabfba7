package io.bpf4j;

import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.BtfCodecs;
import io.bpf4j.codec.Codec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.Optional;

/**
 * A typed handle on a QUEUE (first in, first out) or STACK (last in, first out) map; the kind is
 * checked.
 *
 * <pre>{@code
 * TypedQueue<Object> work = TypedQueue.of(obj.map("work"));
 * work.push(Map.of("packets", 1));
 * Optional<Object> next = work.pop();
 * }</pre>
 *
 * @param <V> value type
 */
public final class TypedQueue<V> {
    private final BpfMap map;
    private final Codec<V> values;

    private TypedQueue(BpfMap map, Codec<V> values) {
        MapKinds.require(map, "TypedQueue", MapType.QUEUE, MapType.STACK);
        if (values.size() != map.valueSize()) {
            throw new IllegalArgumentException(map.what() + ": value codec of " + values.size()
                    + " bytes, the map's values are " + map.valueSize() + " bytes");
        }
        this.map = map;
        this.values = values;
    }

    /** Values typed dynamically from the map's BTF. */
    public static TypedQueue<Object> of(BpfMap map) {
        MapKinds.require(map, "TypedQueue", MapType.QUEUE, MapType.STACK);
        return new TypedQueue<>(map, BtfCodec.of(MapBtf.requireValue(map, MapBtf.of(map))));
    }

    /** Values of a Java type checked against the map's BTF. */
    public static <V> TypedQueue<V> of(BpfMap map, MethodHandles.Lookup lookup, Class<V> value) {
        MapKinds.require(map, "TypedQueue", MapType.QUEUE, MapType.STACK);
        return new TypedQueue<>(map, BtfCodecs.of(lookup, value, MapBtf.requireValue(map, MapBtf.of(map))));
    }

    /** Values through a codec. */
    public static <V> TypedQueue<V> of(BpfMap map, Codec<V> value) {
        return new TypedQueue<>(map, value);
    }

    /** Adds {@code value}; {@link MapFullException} when full. */
    public void push(V value) {
        push(value, false);
    }

    /** Adds {@code value}; when full and {@code overwriteOldest}, the oldest value makes room. */
    public void push(V value, boolean overwriteOldest) {
        map.push(MemorySegment.ofArray(values.toBytes(value)), overwriteOldest);
    }

    /** Removes and returns the head (the oldest for a queue, the newest for a stack). */
    public Optional<V> pop() {
        return read(true);
    }

    /** The head without removing it. */
    public Optional<V> peek() {
        return read(false);
    }

    private Optional<V> read(boolean remove) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Math.max(1, map.valueSize()), 8);
            boolean found = remove ? map.pop(v) : map.lookup(MemorySegment.NULL, v);
            return found ? Optional.of(values.decode(v, 0)) : Optional.empty();
        }
    }

    /** What the kernel says about the map. */
    public MapInfo info() {
        return map.info();
    }
}
