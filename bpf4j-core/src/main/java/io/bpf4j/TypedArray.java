package io.bpf4j;

import io.bpf4j.codec.Codec;
import io.bpf4j.codec.Codecs;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A typed handle on an ARRAY map (the kind is checked): slots {@code 0 .. length()-1}, each always
 * present; an index outside is an {@link IndexOutOfBoundsException}. Arrays cannot delete: write
 * a zero value to clear a slot.
 *
 * <pre>{@code
 * TypedArray<Object> slots = TypedArray.of(obj.map("slots"));
 * StructValue first = (StructValue) slots.get(0);
 * slots.set(1, Map.of("packets", 5));
 * }</pre>
 *
 * @param <V> value type
 */
public final class TypedArray<V> {
    private final TypedMap<Integer, V> map;
    private final int length;

    private TypedArray(TypedMap<Integer, V> map) {
        this.map = map;
        this.length = map.raw().maxEntries();
    }

    /** Values typed dynamically from the map's BTF. */
    public static TypedArray<Object> of(BpfMap map) {
        MapKinds.require(map, "TypedArray", MapType.ARRAY);
        MapBtf.Types t = MapBtf.of(map);
        return new TypedArray<>(
                TypedMap.of(map, Codecs.s32(), io.bpf4j.codec.BtfCodec.of(MapBtf.requireValue(map, t))));
    }

    /** Values of a Java type checked against the map's BTF. */
    public static <V> TypedArray<V> of(BpfMap map, MethodHandles.Lookup lookup, Class<V> value) {
        MapKinds.require(map, "TypedArray", MapType.ARRAY);
        MapBtf.Types t = MapBtf.of(map);
        return new TypedArray<>(TypedMap.of(
                map, Codecs.s32(), io.bpf4j.codec.BtfCodecs.of(lookup, value, MapBtf.requireValue(map, t))));
    }

    /** Values through a codec. */
    public static <V> TypedArray<V> of(BpfMap map, Codec<V> value) {
        MapKinds.require(map, "TypedArray", MapType.ARRAY);
        return new TypedArray<>(TypedMap.of(map, Codecs.s32(), value));
    }

    /** The number of slots (max_entries). */
    public int length() {
        return length;
    }

    /** The value at {@code index}. */
    public V get(int index) {
        check(index);
        return map.get(index)
                .orElseThrow(() -> new IllegalStateException(map.raw().what() + " has no slot " + index));
    }

    /** Writes the value at {@code index}. */
    public void set(int index, V value) {
        check(index);
        map.put(index, value);
    }

    /** Every slot's value, in index order (read with batch lookups where the kernel has them). */
    public List<V> values() {
        List<V> out = new ArrayList<>(length);
        for (Map.Entry<Integer, V> e : map.entries(Math.max(1, Math.min(length, 1024)))) {
            out.add(e.getValue());
        }
        return out;
    }

    /** Writes {@code values} at their indexes in one kernel call. */
    public int updateBatch(Map<Integer, V> values) {
        values.keySet().forEach(this::check);
        return map.updateBatch(values);
    }

    /** What the kernel says about the map. */
    public MapInfo info() {
        return map.raw().info();
    }

    private void check(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(map.raw().what() + ": index " + index + " outside 0.." + (length - 1));
        }
    }
}
