package io.bpf4j.observability;

import io.bpf4j.BpfMap;
import io.bpf4j.MapType;
import io.bpf4j.btf.TypeRef;
import io.bpf4j.codec.BtfCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a BPF map is exposed as metrics: the map, a metric name, a kind, and the cap on series. The
 * same description feeds every integration ({@link BpfMapMeters} for Micrometer,
 * {@link BpfMapCollector} for the Prometheus client, {@link BpfMapInstruments} for
 * OpenTelemetry); each reads the map when it is scraped, never on a thread of its own.
 *
 * <p><b>Keys</b> become tags through the key's BTF type: a scalar key is one tag (named
 * {@code key}, or {@link Builder#keyTag}), a struct key one tag per member (nested members joined by
 * {@code _}; {@code char[]} as a string, enums by name, other arrays joined by {@code .}).
 *
 * <p><b>Values</b>: an integer (or float, or enum) value is one series per key; a struct value one
 * series per numeric member, named {@code <name>_<member>} ({@link Builder#fields} picks some).
 * Per-CPU maps' values are summed over the CPUs.
 *
 * <p><b>Histograms</b> ({@link #log2Histogram}): the log2 buckets bcc and libbpf-tools write,
 * slot {@code i} counting values in {@code [2^i, 2^(i+1))} (slot 0 counts 0 and 1), so its upper
 * bound is {@code 2^(i+1) - 1}. Two shapes are accepted:
 * <ul>
 * <li>an ARRAY or PERCPU_ARRAY map of integers indexed by slot: one histogram, no tags;
 * <li>any map whose value is a struct with an integer array member {@code slots} (libbpf-tools'
 *     {@code struct hist { __u32 slots[MAX_SLOTS]; }}; {@link Builder#slots} names another) or
 *     is itself an integer array: one histogram per key, tagged by the key (no tag when the map is
 *     an array of one entry).
 * </ul>
 *
 * <p><b>Series cap</b>: at most {@link Builder#maxSeries} keys are exposed (default 1000); keys
 * beyond it are not, and each one seen at a scrape adds one to the {@code <name>_dropped_keys}
 * counter, so a rising rate of that counter says series are being dropped.
 *
 * <pre>{@code
 * MapMetric execs = MapMetric.counter(obj.map("exec_count")).name("bpf_execs").keyTag("comm").build();
 * new BpfMapMeters(execs).bindTo(registry);                 // Micrometer
 * prometheusRegistry.register(new BpfMapCollector(execs));  // Prometheus client
 * BpfMapInstruments.register(openTelemetry.getMeter("bpf4j"), execs);
 * }</pre>
 */
public final class MapMetric {
    /** What the map's numbers mean. */
    public enum Kind {
        /** Monotonic totals (event counts, bytes): Micrometer FunctionCounter, Prometheus counter. */
        COUNTER,
        /** Values that go up and down (queue depths, current sizes). */
        GAUGE,
        /** log2 bucket counts, as bcc and libbpf-tools write them. */
        LOG2_HISTOGRAM
    }

    /** How histogram slots are laid out. */
    enum Shape {
        /** One series per key, one number per value field. */
        SCALAR,
        /** An array map indexed by slot: one histogram. */
        ARRAY_OF_SLOTS,
        /** Each value holds a slots array: one histogram per key. */
        SLOTS_PER_KEY
    }

    private final BpfMap map;
    private final String name;
    private final String description;
    private final Kind kind;
    private final int maxSeries;
    private final Optional<String> baseUnit;
    private final Shape shape;
    private final KeyTags keyTags;
    private final List<Leaf> fields;

    private MapMetric(Builder b, Shape shape, KeyTags keyTags, List<Leaf> fields) {
        this.map = b.map;
        this.name = b.name;
        this.description = b.description;
        this.kind = b.kind;
        this.maxSeries = b.maxSeries;
        this.baseUnit = Optional.ofNullable(b.baseUnit);
        this.shape = shape;
        this.keyTags = keyTags;
        this.fields = fields;
    }

    /** A counter per key (and per numeric value member). */
    public static Builder counter(BpfMap map) {
        return new Builder(map, Kind.COUNTER);
    }

    /** A gauge per key (and per numeric value member). */
    public static Builder gauge(BpfMap map) {
        return new Builder(map, Kind.GAUGE);
    }

    /** A log2 histogram (see the class description for the shapes accepted). */
    public static Builder log2Histogram(BpfMap map) {
        return new Builder(map, Kind.LOG2_HISTOGRAM);
    }

    /** The map read. */
    public BpfMap map() {
        return map;
    }

    /** The metric's base name (the map's name unless {@link Builder#name} gave one). */
    public String name() {
        return name;
    }

    /** The help text. */
    public String description() {
        return description;
    }

    /** Counter, gauge or histogram. */
    public Kind kind() {
        return kind;
    }

    /** The most keys exposed. */
    public int maxSeries() {
        return maxSeries;
    }

    /** The unit of the values (e.g. "bytes", "microseconds"), when given. */
    public Optional<String> baseUnit() {
        return baseUnit;
    }

    /** The tag names every series carries, from the key's BTF type. */
    public List<String> tagNames() {
        return keyTags == null ? List.of() : keyTags.names();
    }

    /**
     * The value members exposed, each its own series: {@code [""]} for a scalar value (the metric
     * is {@link #name()} itself), else the members' paths (metrics {@code name_path}).
     */
    public List<String> fieldNames() {
        return fields.stream().map(Leaf::path).toList();
    }

    /**
     * The metric name of value field {@code i}: the base name for a scalar value or a histogram,
     * else base name + "_" + member path.
     */
    public String metricName(int field) {
        String p = fields.get(field).path();
        return p.isEmpty() || kind == Kind.LOG2_HISTOGRAM ? name : name + "_" + p;
    }

    /** Slots of one histogram (LOG2_HISTOGRAM only). */
    int slotCount() {
        return shape == Shape.ARRAY_OF_SLOTS ? map.maxEntries() : fields.get(0).length();
    }

    /** The upper bound of log2 slot {@code i}: {@code 2^(i+1) - 1}. */
    public static double slotUpperBound(int i) {
        return i >= 63 ? Math.scalb(1.0, i + 1) : (double) ((1L << (i + 1)) - 1);
    }

    Shape shape() {
        return shape;
    }

    KeyTags keyTags() {
        return keyTags;
    }

    List<Leaf> fields() {
        return fields;
    }

    @Override
    public String toString() {
        return "MapMetric[" + name + " " + kind + " of map " + map.name() + " tags " + tagNames() + " fields "
                + fieldNames() + "]";
    }

    /** Most log2 slots a histogram has: slot 63 already holds values from 2^63. */
    static final int MAX_SLOTS = 65;

    /** Builds a {@link MapMetric}. */
    public static final class Builder {
        private final BpfMap map;
        private final Kind kind;
        private String name;
        private String description;
        private int maxSeries = 1000;
        private String keyTag = "key";
        private List<String> only = List.of();
        private String slots = "slots";
        private String baseUnit;
        private TypeRef keyType;
        private TypeRef valueType;

        Builder(BpfMap map, Kind kind) {
            this.map = Objects.requireNonNull(map, "map");
            this.kind = kind;
            this.name = map.name();
            this.description = "BPF map " + map.name();
        }

        /** The metric's base name (default: the map's name). */
        public Builder name(String name) {
            if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:.]*")) {
                throw new IllegalArgumentException("metric name \"" + name
                        + "\" has characters Prometheus refuses: use letters, digits, _ : and .");
            }
            this.name = name;
            return this;
        }

        /** The help text. */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        /** The most keys exposed (default 1000); more are counted as dropped. */
        public Builder maxSeries(int maxSeries) {
            if (maxSeries < 1) {
                throw new IllegalArgumentException("maxSeries must be at least 1, got " + maxSeries);
            }
            this.maxSeries = maxSeries;
            return this;
        }

        /** The tag name of a scalar key (default {@code key}). */
        public Builder keyTag(String keyTag) {
            this.keyTag = Objects.requireNonNull(keyTag, "keyTag");
            return this;
        }

        /** Only these value members (paths joined by {@code _}) of a struct value. */
        public Builder fields(String... fields) {
            this.only = List.of(fields);
            return this;
        }

        /** The name of a histogram value's slots array (default {@code slots}). */
        public Builder slots(String member) {
            this.slots = Objects.requireNonNull(member, "member");
            return this;
        }

        /** The values' unit, e.g. "bytes" or "microseconds" (histogram buckets are in it). */
        public Builder baseUnit(String unit) {
            this.baseUnit = unit;
            return this;
        }

        /** The key and value BTF types, for a map that does not know them (opened by fd, pin or id). */
        public Builder types(TypeRef key, TypeRef value) {
            this.keyType = Objects.requireNonNull(key, "key");
            this.valueType = Objects.requireNonNull(value, "value");
            return this;
        }

        /**
         * The metric.
         *
         * @throws IllegalArgumentException when the map has no BTF types, its value has no numeric
         *         member to expose, a named field does not exist, or a histogram's layout is neither
         *         accepted shape
         */
        public MapMetric build() {
            TypeRef k = keyType != null ? keyType : map.keyType().orElse(null);
            TypeRef v = valueType != null ? valueType : map.valueType().orElse(null);
            if (k == null || v == null) {
                throw new IllegalArgumentException(
                        "map " + map.name() + " has no BTF key/value types (a map opened by fd,"
                                + " pin or id, or an object built without -g): give them with types(key, value)");
            }
            List<Leaf> leaves = Leaf.of(v);
            if (kind == Kind.LOG2_HISTOGRAM) {
                return histogram(k, v, leaves);
            }
            List<Leaf> picked = new ArrayList<>();
            for (Leaf l : leaves) {
                if (!l.isArray() && (only.isEmpty() || only.contains(l.path()))) {
                    picked.add(l);
                }
            }
            for (String f : only) {
                if (picked.stream().noneMatch(l -> l.path().equals(f))) {
                    throw new IllegalArgumentException("map " + map.name() + ": value " + v.cName()
                            + " has no numeric member \"" + f + "\"; it has "
                            + leaves.stream()
                                    .filter(l -> !l.isArray())
                                    .map(Leaf::path)
                                    .toList());
                }
            }
            if (picked.isEmpty()) {
                throw new IllegalArgumentException("map " + map.name() + ": value " + v.cName()
                        + " has no integer, enum or float member to expose");
            }
            return new MapMetric(this, Shape.SCALAR, new KeyTags(BtfCodec.of(k), keyTag), List.copyOf(picked));
        }

        private void requireSlots(int n, String what) {
            if (n > MAX_SLOTS) {
                throw new IllegalArgumentException(
                        "map " + map.name() + ": " + n + " " + what + " cannot be log2 slots (a u64 has " + MAX_SLOTS
                                + " at most, slot i counting [2^i, 2^(i+1)))");
            }
        }

        private MapMetric histogram(TypeRef k, TypeRef v, List<Leaf> leaves) {
            boolean array = map.type() == MapType.ARRAY || map.type() == MapType.PERCPU_ARRAY;
            if (array && leaves.size() == 1 && !leaves.get(0).isArray()) {
                requireSlots(map.maxEntries(), "entries");
                return new MapMetric(this, Shape.ARRAY_OF_SLOTS, null, leaves);
            }
            Leaf slotsLeaf = leaves.size() == 1
                            && leaves.get(0).isArray()
                            && leaves.get(0).path().isEmpty()
                    ? leaves.get(0)
                    : leaves.stream()
                            .filter(l -> l.isArray() && l.path().equals(slots))
                            .findFirst()
                            .orElse(null);
            if (slotsLeaf == null || slotsLeaf.floating() || slotsLeaf.length() == 0) {
                throw new IllegalArgumentException("map " + map.name() + " (" + map.type() + ", value " + v.cName()
                        + ") is not a log2 histogram this reads: give an ARRAY/PERCPU_ARRAY of integers indexed by slot,"
                        + " or values that are an integer array or a struct with an integer array member \"" + slots
                        + "\"");
            }
            requireSlots(slotsLeaf.length(), "slots in " + v.cName());
            KeyTags tags = array && map.maxEntries() == 1 ? null : new KeyTags(BtfCodec.of(k), keyTag);
            return new MapMetric(this, Shape.SLOTS_PER_KEY, tags, List.of(slotsLeaf));
        }
    }
}
