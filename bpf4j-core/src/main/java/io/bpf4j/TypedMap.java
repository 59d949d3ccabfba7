package io.bpf4j;

import io.bpf4j.codec.Codec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A typed view of a {@link BpfMap}: keys and values go through {@link Codec}s. Ordinary Java:
 * {@link Optional} for misses, {@link Iterable} over entries, streams of keys and entries. The
 * view does not own the map; closing stays with the {@code BpfMap}. Encoding uses per-thread
 * native buffers, so a call allocates only the value it returns.
 *
 * <pre>{@code
 * TypedMap<Integer, Long> counts = TypedMap.of(map, Codecs.s32(), Codecs.s64());
 * counts.put(42, 1L);
 * long n = counts.get(42).orElse(0L);
 * for (Map.Entry<Integer, Long> e : counts) { ... }
 * }</pre>
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TypedMap<K, V> implements Iterable<Map.Entry<K, V>> {
    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;
    private final ThreadLocal<MemorySegment[]> buffers;

    private TypedMap(BpfMap map, Codec<K> keys, Codec<V> values) {
        this.map = map;
        this.keys = keys;
        this.values = values;
        this.buffers = ThreadLocal.withInitial(() -> {
            Arena a = Arena.ofAuto();
            return new MemorySegment[] {a.allocate(Math.max(1, map.keySize()), 8).asSlice(0, map.keySize()), a.allocate(Math.max(1, map.valueBufferSize()), 8).asSlice(0, map.valueBufferSize())};
        });
    }

    /**
     * A typed view; the codecs' sizes must match the map's key and value sizes.
     *
     * @throws IllegalArgumentException when a size differs, or the map is per-CPU (use
     *         {@link PerCpuMap})
     */
    public static <K, V> TypedMap<K, V> of(BpfMap map, Codec<K> keys, Codec<V> values) {
        if (map.type().isPerCpu()) {
            throw new IllegalArgumentException(map.what() + " is per-CPU (" + map.type() + "): use PerCpuMap");
        }
        checkSizes(map, keys, values.size());
        return new TypedMap<>(map, keys, values);
    }

    static void checkSizes(BpfMap map, Codec<?> keys, int valueSize) {
        if (keys.size() != map.keySize()) {
            throw new IllegalArgumentException(map.what() + ": key codec of " + keys.size()
                    + " bytes, the map's keys are " + map.keySize() + " bytes");
        }
        if (valueSize != map.valueSize()) {
            throw new IllegalArgumentException(map.what() + ": value codec of " + valueSize
                    + " bytes, the map's values are " + map.valueSize() + " bytes");
        }
    }

    /** The underlying raw map. */
    public BpfMap raw() {
        return map;
    }

    /** The value under {@code key}, or empty. */
    public Optional<V> get(K key) {
        MemorySegment[] b = buffers.get();
        keys.encode(key, b[0], 0);
        return map.lookup(b[0], b[1]) ? Optional.of(values.decode(b[1], 0)) : Optional.empty();
    }

    /** Creates or replaces the value under {@code key}. */
    public void put(K key, V value) {
        put(key, value, UpdateFlag.ANY);
    }

    /** Writes with the given flag ({@link KeyExistsException}/{@link KeyNotFoundException} as the flag says). */
    public void put(K key, V value, UpdateFlag flag) {
        MemorySegment[] b = buffers.get();
        keys.encode(key, b[0], 0);
        values.encode(value, b[1], 0);
        map.update(b[0], b[1], flag);
    }

    /** Writes only when {@code key} is absent; false when it was present. */
    public boolean putIfAbsent(K key, V value) {
        try {
            put(key, value, UpdateFlag.NOEXIST);
            return true;
        } catch (KeyExistsException e) {
            return false;
        }
    }

    /** Deletes {@code key}; false when it was absent. */
    public boolean remove(K key) {
        MemorySegment[] b = buffers.get();
        keys.encode(key, b[0], 0);
        return map.delete(b[0]);
    }

    /** Deletes {@code key} and returns its value, atomically (hash maps). */
    public Optional<V> take(K key) {
        MemorySegment[] b = buffers.get();
        keys.encode(key, b[0], 0);
        return map.lookupAndDelete(b[0], b[1]) ? Optional.of(values.decode(b[1], 0)) : Optional.empty();
    }

    /** Whether {@code key} is in the map. */
    public boolean containsKey(K key) {
        return get(key).isPresent();
    }

    /** The keys, decoded (see {@link BpfMap#keys()} for iteration under concurrent deletes). */
    public Stream<K> keys() {
        return StreamSupport.stream(map.keys().spliterator(), false).map(keys::fromBytes);
    }

    /** The entries, decoded. */
    public Stream<Map.Entry<K, V>> entries() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() {
        Iterator<Map.Entry<byte[], byte[]>> raw = map.entries().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return raw.hasNext();
            }

            @Override
            public Map.Entry<K, V> next() {
                Map.Entry<byte[], byte[]> e = raw.next();
                return Map.entry(keys.fromBytes(e.getKey()), values.fromBytes(e.getValue()));
            }
        };
    }

    @Override
    public String toString() {
        return "TypedMap[" + map + "]";
    }
}
