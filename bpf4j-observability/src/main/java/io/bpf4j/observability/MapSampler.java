package io.bpf4j.observability;

import io.bpf4j.BatchCursor;
import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;
import io.bpf4j.Errno;
import io.bpf4j.NotSupportedException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link MapMetric}'s map into {@link Series}, for the integrations and for code that
 * brings its own: the whole map in a few batch lookups (key by key where the kernel has no batch
 * operations), into buffers allocated once, the numbers read straight from the value bytes and
 * summed over CPUs. A key's tags are decoded the first time it is seen; keys past the series cap
 * are counted, not kept; a key gone from the map ends its series.
 *
 * <p>Thread-safe: reads are serialized. Integrations that read one number per meter (Micrometer)
 * use {@link #value(Series, int)}, which reads the map again only once a number has been served
 * since the last read, so one scrape of N meters costs one pass over the map, not N lookups.
 *
 * <pre>{@code
 * MapSampler sampler = new MapSampler(MapMetric.counter(map).build());
 * for (Series s : sampler.read().series()) System.out.println(s.tags() + " " + sampler.valueOf(s, 0));
 * }</pre>
 */
public final class MapSampler {
    /** Bytes of keys and values fetched per batch call, at most. */
    private static final long BATCH_BYTES = 1 << 20;

    private final MapMetric metric;
    private final BpfMap map;
    private final int keySize;
    private final int valueBuffer;
    private final int stride;
    private final int cpus;
    private final List<Leaf> fields;
    private final Map<Key, Series> table = new HashMap<>();
    private final List<Series> order = new ArrayList<>();
    private final Key probe;
    private final Series single;
    private int batch;
    private MemorySegment keys;
    private MemorySegment values;
    private boolean noBatch;
    private long generation;
    private long droppedTotal;
    private int droppedLast;
    private long reads;
    private final List<Series> added = new ArrayList<>();
    private final List<Series> removed = new ArrayList<>();

    /** A sampler of {@code metric}'s map. */
    public MapSampler(MapMetric metric) {
        this.metric = metric;
        this.map = metric.map();
        this.keySize = map.keySize();
        this.valueBuffer = map.valueBufferSize();
        this.stride = map.type().isPerCpu() ? (map.valueSize() + 7) & ~7 : map.valueSize();
        this.cpus = map.type().isPerCpu() ? valueBuffer / stride : 1;
        this.fields = metric.fields();
        this.probe = new Key(new byte[keySize]);
        this.batch = (int) Math.max(
                16, Math.min(4096, Math.min(map.maxEntries(), BATCH_BYTES / Math.max(1, keySize + valueBuffer))));
        if (metric.shape() == MapMetric.Shape.ARRAY_OF_SLOTS) {
            single = new Series(new String[0], 1, metric.slotCount());
            order.add(single);
        } else {
            single = null;
        }
    }

    /** The metric this reads. */
    public MapMetric metric() {
        return metric;
    }

    /** What one read saw. */
    public record Reading(
            List<Series> series, int droppedKeys, long droppedTotal, List<Series> added, List<Series> removed) {}

    /**
     * Reads the map now.
     *
     * @return the live series (at most {@link MapMetric#maxSeries()}), the keys dropped by this
     *         read and by all reads, and the series this read added and ended
     */
    public synchronized Reading read() {
        refresh();
        return new Reading(List.copyOf(order), droppedLast, droppedTotal, List.copyOf(added), List.copyOf(removed));
    }

    /** Value field {@code field} of {@code s} as of the latest read (without reading). */
    public synchronized double valueOf(Series s, int field) {
        return s.values[field];
    }

    /** The slot counts of histogram series {@code s} as of the latest read (a copy). */
    public synchronized long[] slotsOf(Series s) {
        return s.slots.clone();
    }

    /**
     * Value field {@code field} of {@code s}, reading the map first when this number was already
     * served since the last read (so each scrape sees fresh numbers, read once per scrape).
     */
    public synchronized double value(Series s, int field) {
        serve(s, field);
        return s.values[field];
    }

    /**
     * Reads the map first when mark {@code i} of {@code s} was already served since the last read
     * (as {@link #value}); marks are one per value field, or for a histogram one per slot and
     * one more for the whole.
     */
    synchronized void serve(Series s, int i) {
        if (s.readAt[i] == generation || reads == 0) {
            refresh();
        }
        s.readAt[i] = generation;
    }

    /** Observations of histogram {@code s} in slots 0..{@code slot}, served as by {@link #serve}. */
    synchronized long cumulative(Series s, int slot) {
        serve(s, slot);
        long sum = 0;
        for (int i = 0; i <= slot; i++) {
            sum += s.slots[i];
        }
        return sum;
    }

    /** The read generation: it moves at every read of the map. */
    synchronized long generation() {
        return generation;
    }

    /** Keys seen beyond the cap, summed over every read. */
    public synchronized long droppedTotal() {
        return droppedTotal;
    }

    /** Keys seen beyond the cap at the latest read. */
    public synchronized int droppedLast() {
        return droppedLast;
    }

    /** The live series as of the latest read. */
    public synchronized List<Series> series() {
        return List.copyOf(order);
    }

    // ---- reading ------------------------------------------------------------------------------

    private void refresh() {
        generation++;
        reads++;
        droppedLast = 0;
        added.clear();
        removed.clear();
        if (single != null) {
            Arrays.fill(single.slots, 0);
        }
        if (!noBatch) {
            try {
                readBatches();
            } catch (NotSupportedException e) {
                noBatch = true; // kernels before 5.6, or a map type without batch operations
            }
        }
        if (noBatch) {
            readByKey();
        }
        if (single == null) {
            table.values().removeIf(s -> s.seenAt != generation);
            order.removeIf(s -> {
                if (s.seenAt != generation) {
                    s.live = false;
                    removed.add(s);
                    return true;
                }
                return false;
            });
        }
        droppedTotal += droppedLast;
    }

    private void readBatches() {
        BatchCursor cursor = new BatchCursor(map);
        while (!cursor.isDone()) {
            if (keys == null) {
                Arena arena = Arena.ofAuto();
                keys = arena.allocate((long) batch * Math.max(1, keySize), 8);
                values = arena.allocate((long) batch * valueBuffer, 8);
            }
            int n;
            try {
                n = map.lookupBatch(cursor, keys, values, batch);
            } catch (NotSupportedException e) {
                throw e;
            } catch (BpfException e) {
                if (e.errno().orElse(null) == Errno.ENOSPC && batch < map.maxEntries()) {
                    batch = Math.min(map.maxEntries(), batch * 2); // one hash bucket holds more than a batch
                    keys = null;
                    continue;
                }
                throw e;
            }
            for (int i = 0; i < n; i++) {
                entry(keys, (long) i * keySize, values, (long) i * valueBuffer);
            }
        }
    }

    private void readByKey() {
        for (Map.Entry<byte[], byte[]> e : map.entries()) {
            entry(MemorySegment.ofArray(e.getKey()), 0, MemorySegment.ofArray(e.getValue()), 0);
        }
    }

    private void entry(MemorySegment k, long kOff, MemorySegment v, long vOff) {
        if (single != null) {
            long slot = keySize == 4
                    ? Integer.toUnsignedLong(k.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, kOff))
                    : k.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, kOff);
            if (slot >= 0 && slot < single.slots.length) {
                single.slots[(int) slot] = sumLong(fields.get(0), v, vOff, 0);
            }
            single.seenAt = generation;
            return;
        }
        Series s = lookup(k, kOff);
        if (s == null) {
            return;
        }
        s.seenAt = generation;
        if (s.slots != null) {
            Leaf l = fields.get(0);
            for (int i = 0; i < s.slots.length; i++) {
                s.slots[i] = sumLong(l, v, vOff, i);
            }
            return;
        }
        for (int f = 0; f < fields.size(); f++) {
            Leaf l = fields.get(f);
            double sum = 0;
            for (int c = 0; c < cpus; c++) {
                sum += l.read(v, vOff + (long) c * stride, 0);
            }
            s.values[f] = sum;
        }
    }

    private long sumLong(Leaf l, MemorySegment v, long vOff, int i) {
        long sum = 0;
        for (int c = 0; c < cpus; c++) {
            sum += l.readLong(v, vOff + (long) c * stride, i);
        }
        return sum;
    }

    private Series lookup(MemorySegment k, long kOff) {
        MemorySegment.copy(k, java.lang.foreign.ValueLayout.JAVA_BYTE, kOff, probe.bytes, 0, keySize);
        probe.rehash();
        Series s = table.get(probe);
        if (s != null) {
            return s;
        }
        if (table.size() >= metric.maxSeries()) {
            droppedLast++;
            return null;
        }
        String[] tags =
                metric.keyTags() == null ? new String[0] : metric.keyTags().values(k, kOff);
        boolean hist = metric.kind() == MapMetric.Kind.LOG2_HISTOGRAM;
        s = new Series(tags, hist ? 0 : fields.size(), hist ? metric.slotCount() : 0);
        Key stored = new Key(probe.bytes.clone());
        table.put(stored, s);
        order.add(s);
        added.add(s);
        return s;
    }

    /** Key bytes as a hash key; the probe instance is refilled for each lookup (no allocation). */
    private static final class Key {
        final byte[] bytes;
        int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            rehash();
        }

        void rehash() {
            hash = Arrays.hashCode(bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }
    }
}
