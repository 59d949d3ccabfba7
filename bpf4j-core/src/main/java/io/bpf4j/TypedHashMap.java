package io.bpf4j;

import io.bpf4j.codec.Codec;
import java.lang.invoke.MethodHandles;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A typed handle on a HASH or LRU_HASH map (the kind is checked): lookup as {@link Optional},
 * update with flags, delete, paged entries and the kernel's batch operations. On a full HASH map
 * an update throws {@link MapFullException}; an LRU_HASH evicts its least recently used entry.
 *
 * <pre>{@code
 * TypedHashMap<Object, Object> flows = TypedHashMap.of(obj.map("flows"));           // from BTF
 * TypedHashMap<FlowKey, Stats> typed = TypedHashMap.of(obj.map("flows"), lookup, FlowKey.class, Stats.class);
 * typed.lookup(key).ifPresent(s -> System.out.println(s.packets()));
 * for (var e : typed.entries(256)) { ... }
 * }</pre>
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TypedHashMap<K, V> {
    private final TypedMap<K, V> map;

    private TypedHashMap(TypedMap<K, V> map) {
        MapKinds.require(map.raw(), "TypedHashMap", MapType.HASH, MapType.LRU_HASH);
        this.map = map;
    }

    /** Keys and values typed dynamically from the map's BTF. */
    public static TypedHashMap<Object, Object> of(BpfMap map) {
        MapKinds.require(map, "TypedHashMap", MapType.HASH, MapType.LRU_HASH);
        return new TypedHashMap<>(TypedMap.of(map));
    }

    /** Keys and values of Java types checked against the map's BTF (records bound by member name). */
    public static <K, V> TypedHashMap<K, V> of(BpfMap map, MethodHandles.Lookup lookup, Class<K> key, Class<V> value) {
        MapKinds.require(map, "TypedHashMap", MapType.HASH, MapType.LRU_HASH);
        return new TypedHashMap<>(TypedMap.of(map, lookup, key, value));
    }

    /** Keys and values through codecs (maps without BTF). */
    public static <K, V> TypedHashMap<K, V> of(BpfMap map, Codec<K> key, Codec<V> value) {
        MapKinds.require(map, "TypedHashMap", MapType.HASH, MapType.LRU_HASH);
        return new TypedHashMap<>(TypedMap.of(map, key, value));
    }

    /** The value under {@code key}, empty on a miss. */
    public Optional<V> lookup(K key) {
        return map.get(key);
    }

    /** Inserts or overwrites (BPF_ANY). */
    public void update(K key, V value) {
        map.put(key, value);
    }

    /** Writes with {@code flag}: NOEXIST throws {@link KeyExistsException}, EXIST {@link KeyNotFoundException}. */
    public void update(K key, V value, UpdateFlag flag) {
        map.put(key, value, flag);
    }

    /** Deletes {@code key}; false when it was absent. */
    public boolean delete(K key) {
        return map.remove(key);
    }

    /** Deletes {@code key} and returns its value, atomically. */
    public Optional<V> lookupAndDelete(K key) {
        return map.take(key);
    }

    /** Every entry, read {@code batchSize} at a time by batch lookups (a snapshot). */
    public List<Map.Entry<K, V>> entries(int batchSize) {
        return map.entries(batchSize);
    }

    /** Every entry, walked key by key (see {@link BpfMap#keys()} about concurrent changes). */
    public Stream<Map.Entry<K, V>> entries() {
        return map.entries();
    }

    /** Up to {@code count} entries in one kernel call (not resumable). */
    public List<Map.Entry<K, V>> lookupBatch(int count) {
        return map.lookupBatch(count);
    }

    /** Reads and deletes up to {@code count} entries in one kernel call. */
    public List<Map.Entry<K, V>> drainBatch(int count) {
        return map.drainBatch(count);
    }

    /** Writes every entry in one kernel call. */
    public int updateBatch(Map<K, V> entries) {
        return map.updateBatch(entries);
    }

    /** Deletes every key in one kernel call. */
    public int deleteBatch(Collection<K> keys) {
        return map.deleteBatch(keys);
    }

    /** What the kernel says about the map. */
    public MapInfo info() {
        return map.raw().info();
    }

    /** The general typed view underneath. */
    public TypedMap<K, V> view() {
        return map;
    }
}
