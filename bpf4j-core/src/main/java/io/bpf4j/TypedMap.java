package io.bpf4j;

import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.BtfCodecs;
import io.bpf4j.codec.Codec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
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
            return new MemorySegment[] {
                a.allocate(Math.max(1, map.keySize()), 8).asSlice(0, map.keySize()),
                a.allocate(Math.max(1, map.valueBufferSize()), 8).asSlice(0, map.valueBufferSize())
            };
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

    /**
     * A dynamic view typed from the map's BTF (the {@code __type(key, ...)} and
     * {@code __type(value, ...)} of its definition): keys and values decode as {@link BtfCodec}
     * says ({@link io.bpf4j.codec.StructValue} for structs, boxed integers, ...) and encode from
     * the same values or {@code Map}s.
     *
     * <pre>{@code
     * TypedMap<Object, Object> flows = TypedMap.of(obj.map("flows"));
     * flows.entries().forEach(e -> System.out.println(e.getKey() + " -> " + e.getValue()));
     * }</pre>
     *
     * @throws IllegalStateException when the map has no BTF key or value type
     */
    public static TypedMap<Object, Object> of(BpfMap map) {
        MapBtf.Types t = MapBtf.of(map);
        return of(map, BtfCodec.of(requireKey(map, t)), BtfCodec.of(MapBtf.requireValue(map, t)));
    }

    /**
     * A view with keys and values of the given Java types, checked against the map's BTF
     * ({@link BtfCodecs#of}: records bound by member name, boxed integers of a width that fits...).
     *
     * @throws IllegalArgumentException naming both sides when a type does not fit
     */
    public static <K, V> TypedMap<K, V> of(
            BpfMap map, MethodHandles.Lookup lookup, Class<K> keyType, Class<V> valueType) {
        MapBtf.Types t = MapBtf.of(map);
        return of(
                map,
                BtfCodecs.of(lookup, keyType, requireKey(map, t)),
                BtfCodecs.of(lookup, valueType, MapBtf.requireValue(map, t)));
    }

    /** {@link #of(BpfMap, MethodHandles.Lookup, Class, Class)} for public types. */
    public static <K, V> TypedMap<K, V> of(BpfMap map, Class<K> keyType, Class<V> valueType) {
        return of(map, MethodHandles.publicLookup(), keyType, valueType);
    }

    static io.bpf4j.btf.TypeRef requireKey(BpfMap map, MapBtf.Types t) {
        return t.key()
                .orElseThrow(
                        () -> new IllegalStateException(
                                map.what()
                                        + " has no BTF key type (created without BTF, or from an object compiled without -g): give codecs instead"));
    }

    /** The key codec. */
    public Codec<K> keyCodec() {
        return keys;
    }

    /** The value codec. */
    public Codec<V> valueCodec() {
        return values;
    }

    // ---- batches ---------------------------------------------------------------------------------

    /**
     * Every entry, read {@code batchSize} at a time with the kernel's batch lookup (Linux 5.6),
     * or by key iteration where the map type has no batch operations. The list is a snapshot.
     */
    public java.util.List<Map.Entry<K, V>> entries(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        java.util.List<Map.Entry<K, V>> out = new java.util.ArrayList<>();
        BatchCursor cursor = new BatchCursor(map);
        int count = batchSize;
        try (Arena arena = Arena.ofConfined()) {
            while (!cursor.isDone()) {
                MemorySegment k = arena.allocate((long) count * map.keySize(), 8);
                MemorySegment v = arena.allocate((long) count * map.valueBufferSize(), 8);
                int n;
                try {
                    n = map.lookupBatch(cursor, k, v, count);
                } catch (NotSupportedException e) {
                    return entries().toList();
                } catch (BpfException e) {
                    if (e.errno().orElse(null) == Errno.ENOSPC && count < map.maxEntries()) {
                        count = Math.min(map.maxEntries(), count * 2); // one hash bucket holds more than count
                        continue;
                    }
                    throw e;
                }
                addAll(out, k, v, n);
            }
        }
        return out;
    }

    /** Up to {@code count} entries from the start of the map in one call (not resumable). */
    public java.util.List<Map.Entry<K, V>> lookupBatch(int count) {
        return readBatch(count, false);
    }

    /** Reads and deletes up to {@code count} entries atomically per batch (hash maps). */
    public java.util.List<Map.Entry<K, V>> drainBatch(int count) {
        return readBatch(count, true);
    }

    private java.util.List<Map.Entry<K, V>> readBatch(int count, boolean delete) {
        if (count <= 0) {
            throw new IllegalArgumentException("batch count must be positive, got " + count);
        }
        java.util.List<Map.Entry<K, V>> out = new java.util.ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate((long) count * map.keySize(), 8);
            MemorySegment v = arena.allocate((long) count * map.valueBufferSize(), 8);
            BatchCursor cursor = new BatchCursor(map);
            int n = delete ? map.lookupAndDeleteBatch(cursor, k, v, count) : map.lookupBatch(cursor, k, v, count);
            addAll(out, k, v, n);
        }
        return out;
    }

    private void addAll(java.util.List<Map.Entry<K, V>> out, MemorySegment k, MemorySegment v, int n) {
        for (int i = 0; i < n; i++) {
            out.add(Map.entry(
                    keys.decode(k, (long) i * map.keySize()), values.decode(v, (long) i * map.valueBufferSize())));
        }
    }

    /** Writes every entry in one call (atomic per batch on hash maps); returns how many were written. */
    public int updateBatch(Map<K, V> entries) {
        int n = entries.size();
        if (n == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate((long) n * map.keySize(), 8);
            MemorySegment v = arena.allocate((long) n * map.valueBufferSize(), 8);
            int i = 0;
            for (Map.Entry<K, V> e : entries.entrySet()) {
                keys.encode(e.getKey(), k, (long) i * map.keySize());
                values.encode(e.getValue(), v, (long) i * map.valueBufferSize());
                i++;
            }
            return map.updateBatch(k, v, n, UpdateFlag.ANY);
        }
    }

    /** Deletes every key in one call; returns how many were deleted. */
    public int deleteBatch(java.util.Collection<K> toDelete) {
        int n = toDelete.size();
        if (n == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate((long) n * map.keySize(), 8);
            int i = 0;
            for (K key : toDelete) {
                keys.encode(key, k, (long) i++ * map.keySize());
            }
            return map.deleteBatch(k, n);
        }
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
