package io.bpf4j.observability;

import io.bpf4j.BpfMap;
import io.bpf4j.BpfObject;
import io.bpf4j.MapType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every map of an object that can be shown as metrics, for tools that expose a whole object
 * without being told about each map ({@code bpf4j run --metrics}): hash, LRU and array maps
 * (per-CPU too) with BTF key and value types. A map whose value is a log2 histogram (an integer
 * array, or a struct with {@code slots}) becomes a {@link MapMetric.Kind#LOG2_HISTOGRAM} per
 * key; any other map with numeric values a {@link MapMetric.Kind#GAUGE} (nothing says that its
 * numbers only grow). Ring and perf buffers, program and map-in-map arrays, global data sections
 * and maps without BTF are left out.
 *
 * <pre>{@code
 * try (MetricsServer s = MetricsServer.start("127.0.0.1", 9400, MapMetrics.of(obj))) { ... }
 * }</pre>
 */
public final class MapMetrics {
    private static final System.Logger LOG = System.getLogger(MapMetrics.class.getName());
    private static final Set<MapType> KINDS = Set.of(
            MapType.HASH,
            MapType.LRU_HASH,
            MapType.ARRAY,
            MapType.PERCPU_HASH,
            MapType.PERCPU_ARRAY,
            MapType.LRU_PERCPU_HASH);

    private MapMetrics() {}

    /** The metrics of every map of {@code object} that has a numeric value (see the class description). */
    public static List<MapMetric> of(BpfObject object) {
        List<MapMetric> out = new ArrayList<>();
        for (Map.Entry<String, BpfMap> e : object.maps().entrySet()) {
            BpfMap map = e.getValue();
            if (!KINDS.contains(map.type())
                    || e.getKey().contains(".")
                    || map.keyType().isEmpty()
                    || map.valueType().isEmpty()) {
                continue; // not a table of numbers, a global data section, or no BTF to name things
            }
            String name = e.getKey().replaceAll("[^a-zA-Z0-9_]", "_");
            try {
                MapMetric h = MapMetric.log2Histogram(map).name(name).build();
                // only values that are slots arrays: an array map of plain numbers is a table, not slots
                if (h.shape() == MapMetric.Shape.SLOTS_PER_KEY) {
                    out.add(h);
                    continue;
                }
            } catch (IllegalArgumentException notAHistogram) {
                // a gauge then
            }
            try {
                out.add(MapMetric.gauge(map).name(name).build());
            } catch (IllegalArgumentException noNumbers) {
                LOG.log(System.Logger.Level.DEBUG, "map {0} not exposed: {1}", e.getKey(), noNumbers.getMessage());
            }
        }
        return out;
    }
}
