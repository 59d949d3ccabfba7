package io.bpf4j;

import io.bpf4j.codec.Codec;
import io.bpf4j.internal.sys.Cpus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A typed view of a per-CPU map (PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH): a value is one
 * element per possible CPU, each in an 8-byte-aligned slot, as the kernel lays them out.
 *
 * <pre>{@code
 * PerCpuMap<Integer, Long> hits = PerCpuMap.of(map, Codecs.s32(), Codecs.s64());
 * long total = hits.get(0).orElse(List.of()).stream().mapToLong(Long::longValue).sum();
 * }</pre>
 *
 * @param <K> key type
 * @param <V> per-CPU value type
 */
public final class PerCpuMap<K, V> {
    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;
    private final int slot;
    private final int cpus;
    private final ThreadLocal<MemorySegment[]> buffers;

    private PerCpuMap(BpfMap map, Codec<K> keys, Codec<V> values) {
        this.map = map;
        this.keys = keys;
        this.values = values;
        this.slot = (map.valueSize() + 7) & ~7;
        this.cpus = Cpus.possibleCount();
        this.buffers = ThreadLocal.withInitial(() -> {
            Arena a = Arena.ofAuto();
            return new MemorySegment[] {
                a.allocate(Math.max(1, map.keySize()), 8).asSlice(0, map.keySize()),
                a.allocate(map.valueBufferSize(), 8)
            };
        });
    }

    /** A typed per-CPU view; codec sizes must match the map's. */
    public static <K, V> PerCpuMap<K, V> of(BpfMap map, Codec<K> keys, Codec<V> values) {
        if (!map.type().isPerCpu()) {
            throw new IllegalArgumentException(map.what() + " is " + map.type() + ", not a per-CPU map");
        }
        TypedMap.checkSizes(map, keys, values.size());
        return new PerCpuMap<>(map, keys, values);
    }

    /** Values typed dynamically from the map's BTF (keys too; an array's key is its __u32 index). */
    public static PerCpuMap<Object, Object> of(BpfMap map) {
        MapBtf.Types t = MapBtf.of(map);
        return of(
                map,
                io.bpf4j.codec.BtfCodec.of(TypedMap.requireKey(map, t)),
                io.bpf4j.codec.BtfCodec.of(MapBtf.requireValue(map, t)));
    }

    /** Keys and per-CPU values of Java types checked against the map's BTF. */
    public static <K, V> PerCpuMap<K, V> of(
            BpfMap map, java.lang.invoke.MethodHandles.Lookup lookup, Class<K> key, Class<V> value) {
        MapBtf.Types t = MapBtf.of(map);
        return of(
                map,
                io.bpf4j.codec.BtfCodecs.of(lookup, key, TypedMap.requireKey(map, t)),
                io.bpf4j.codec.BtfCodecs.of(lookup, value, MapBtf.requireValue(map, t)));
    }

    /** Number of values per key: the possible CPUs. */
    public int cpuCount() {
        return cpus;
    }

    /** One value per possible CPU, or empty when the key is absent. */
    public Optional<List<V>> get(K key) {
        MemorySegment[] b = buffers.get();
        keys.encode(key, b[0], 0);
        if (!map.lookup(b[0], b[1])) {
            return Optional.empty();
        }
        List<V> out = new ArrayList<>(cpus);
        for (int c = 0; c < cpus; c++) {
            out.add(values.decode(b[1], (long) c * slot));
        }
        return Optional.of(List.copyOf(out));
    }

    /**
     * Writes one value per possible CPU.
     *
     * @throws IllegalArgumentException when the list does not have {@link #cpuCount()} values
     */
    public void put(K key, List<V> perCpu, UpdateFlag flag) {
        if (perCpu.size() != cpus) {
            throw new IllegalArgumentException(map.what() + ": " + perCpu.size()
                    + " per-CPU values given, this machine has " + cpus + " possible CPUs");
        }
        MemorySegment[] b = buffers.get();
        keys.encode(key, b[0], 0);
        b[1].fill((byte) 0);
        for (int c = 0; c < cpus; c++) {
            values.encode(perCpu.get(c), b[1], (long) c * slot);
        }
        map.update(b[0], b[1], flag);
    }

    /** Writes one value per possible CPU (BPF_ANY). */
    public void put(K key, List<V> perCpu) {
        put(key, perCpu, UpdateFlag.ANY);
    }

    /** Deletes {@code key} (hash maps; arrays cannot delete); false when it was absent. */
    public boolean remove(K key) {
        if (map.type() == MapType.PERCPU_ARRAY) {
            throw new UnsupportedOperationException(
                    map.what() + " is a PERCPU_ARRAY: slots cannot be deleted, write zeros");
        }
        MemorySegment[] b = buffers.get();
        keys.encode(key, b[0], 0);
        return map.delete(b[0]);
    }

    /** Every key with its per-CPU values, walked key by key. */
    public java.util.stream.Stream<java.util.Map.Entry<K, List<V>>> entries() {
        return java.util.stream.StreamSupport.stream(map.entries().spliterator(), false)
                .map(e -> {
                    MemorySegment v = MemorySegment.ofArray(e.getValue());
                    List<V> out = new ArrayList<>(cpus);
                    for (int c = 0; c < cpus; c++) {
                        out.add(values.decode(v, (long) c * slot));
                    }
                    return java.util.Map.entry(keys.fromBytes(e.getKey()), List.copyOf(out));
                });
    }

    /**
     * The sum over CPUs of {@code key}'s values as {@code toLong} reads them (0 when absent):
     * {@code hits.sum(k, Number::longValue)} for a counter.
     */
    public long sum(K key, java.util.function.ToLongFunction<? super V> toLong) {
        return get(key).map(l -> l.stream().mapToLong(toLong).sum()).orElse(0L);
    }

    /** Writes the same value on every CPU. */
    public void putAll(K key, V value) {
        put(key, java.util.Collections.nCopies(cpus, value), UpdateFlag.ANY);
    }
}
