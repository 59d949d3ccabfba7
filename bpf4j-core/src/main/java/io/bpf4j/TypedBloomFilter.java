package io.bpf4j;

import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.BtfCodecs;
import io.bpf4j.codec.Codec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * A typed handle on a BLOOM_FILTER map (the kind is checked): a set with no keys and no removal.
 * {@link #contains} may answer true for a value never inserted (the filter's false-positive
 * rate), never false for one that was.
 *
 * <pre>{@code
 * TypedBloomFilter<Object> seen = TypedBloomFilter.of(obj.map("seen_flows"));
 * seen.insert(Map.of("saddr", 1, "dport", 443));
 * boolean maybe = seen.contains(Map.of("saddr", 1, "dport", 443));   // true
 * }</pre>
 *
 * @param <V> value type
 */
public final class TypedBloomFilter<V> {
    private final BpfMap map;
    private final Codec<V> values;

    private TypedBloomFilter(BpfMap map, Codec<V> values) {
        MapKinds.require(map, "TypedBloomFilter", MapType.BLOOM_FILTER);
        if (values.size() != map.valueSize()) {
            throw new IllegalArgumentException(map.what() + ": value codec of " + values.size()
                    + " bytes, the filter's values are " + map.valueSize() + " bytes");
        }
        this.map = map;
        this.values = values;
    }

    /** Values typed dynamically from the map's BTF. */
    public static TypedBloomFilter<Object> of(BpfMap map) {
        MapKinds.require(map, "TypedBloomFilter", MapType.BLOOM_FILTER);
        return new TypedBloomFilter<>(map, BtfCodec.of(MapBtf.requireValue(map, MapBtf.of(map))));
    }

    /** Values of a Java type checked against the map's BTF. */
    public static <V> TypedBloomFilter<V> of(BpfMap map, MethodHandles.Lookup lookup, Class<V> value) {
        MapKinds.require(map, "TypedBloomFilter", MapType.BLOOM_FILTER);
        return new TypedBloomFilter<>(map, BtfCodecs.of(lookup, value, MapBtf.requireValue(map, MapBtf.of(map))));
    }

    /** Values through a codec. */
    public static <V> TypedBloomFilter<V> of(BpfMap map, Codec<V> value) {
        return new TypedBloomFilter<>(map, value);
    }

    /** Sets the bits of {@code value}. Idempotent. */
    public void insert(V value) {
        map.push(MemorySegment.ofArray(values.toBytes(value)), false);
    }

    /** False when {@code value} was certainly never inserted; true when it probably was. */
    public boolean contains(V value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Math.max(1, values.size()), 8);
            values.encode(value, v, 0);
            return map.lookup(MemorySegment.NULL, v);
        }
    }

    /** What the kernel says about the map. */
    public MapInfo info() {
        return map.info();
    }
}
