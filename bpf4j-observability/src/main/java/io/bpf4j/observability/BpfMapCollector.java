package io.bpf4j.observability;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * A Prometheus client {@link MultiCollector} of one BPF map ({@link MapMetric}): each scrape reads
 * the map once and answers with a counter or gauge family per value field (a data point per key,
 * labelled by the key's members), or a classic histogram per key for a LOG2_HISTOGRAM, plus
 * {@code <name>_series} (gauge) and {@code <name>_dropped_keys} (counter, see
 * {@link MapMetric}). Names are sanitized the Prometheus way (dots become underscores).
 *
 * <p>A log2 histogram's buckets are its slots, {@code le} being each slot's upper bound
 * {@code 2^(i+1)-1}, then {@code +Inf}; it has no {@code _sum}: the kernel keeps only the counts
 * ({@code histogram_quantile} needs only the buckets).
 *
 * <p>This uses the Prometheus client directly, not Micrometer's Prometheus registry: a user of
 * Prometheus then needs neither Micrometer nor its naming translation, the histogram is a true
 * Prometheus histogram (Micrometer has no meter for pre-bucketed counts), and the collector reads
 * the map once per scrape rather than once per meter.
 *
 * <pre>{@code
 * PrometheusRegistry registry = new PrometheusRegistry();
 * registry.register(new BpfMapCollector(MapMetric.counter(obj.map("exec_count")).keyTag("comm").build()));
 * HTTPServer server = HTTPServer.builder().hostname("127.0.0.1").port(9400).registry(registry).buildAndStart();
 * }</pre>
 */
public final class BpfMapCollector implements MultiCollector {
    private final MapMetric metric;
    private final MapSampler sampler;
    private final String[] labelNames;
    private final IdentityHashMap<Series, Labels> labels = new IdentityHashMap<>();
    private final List<String> names = new ArrayList<>();
    private final MetricMetadata series;
    private final MetricMetadata dropped;
    private final double[] upperBounds;

    /** A collector of {@code metric}'s map. */
    public BpfMapCollector(MapMetric metric) {
        this.metric = metric;
        this.sampler = new MapSampler(metric);
        this.labelNames = metric.tagNames().stream()
                .map(PrometheusNaming::sanitizeLabelName)
                .toArray(String[]::new);
        for (int f = 0; f < metric.fields().size(); f++) {
            names.add(PrometheusNaming.sanitizeMetricName(metric.metricName(f).replace('.', '_')));
        }
        String base = PrometheusNaming.sanitizeMetricName(metric.name().replace('.', '_'));
        this.series = new MetricMetadata(
                base + "_series", "keys of BPF map " + metric.map().name() + " exposed as series");
        this.dropped = new MetricMetadata(
                base + "_dropped_keys",
                "keys of BPF map " + metric.map().name() + " seen beyond the cap of " + metric.maxSeries()
                        + " series, summed over scrapes");
        if (metric.kind() == MapMetric.Kind.LOG2_HISTOGRAM) {
            int n = metric.slotCount();
            upperBounds = new double[n + 1];
            for (int i = 0; i < n; i++) {
                upperBounds[i] = MapMetric.slotUpperBound(i);
            }
            upperBounds[n] = Double.POSITIVE_INFINITY;
        } else {
            upperBounds = null;
        }
    }

    /** The sampler behind the collector. */
    public MapSampler sampler() {
        return sampler;
    }

    // Deprecated in the client for getMetricFamilyDescriptors(), whose default still builds the
    // descriptors from these names; the names are what the registry's duplicate check needs.
    @Override
    @SuppressWarnings("deprecation")
    public List<String> getPrometheusNames() {
        List<String> all = new ArrayList<>(names);
        all.add(series.getPrometheusName());
        all.add(dropped.getPrometheusName());
        return all;
    }

    @Override
    public MetricSnapshots collect() {
        MapSampler.Reading r;
        List<MetricSnapshot> out = new ArrayList<>(names.size() + 2);
        synchronized (sampler) {
            r = sampler.read();
            for (Series s : r.removed()) {
                labels.remove(s);
            }
            if (metric.kind() == MapMetric.Kind.LOG2_HISTOGRAM) {
                out.add(histograms(r.series()));
            } else {
                for (int f = 0; f < names.size(); f++) {
                    out.add(family(f, r.series()));
                }
            }
        }
        out.add(new GaugeSnapshot(
                series,
                List.of(new GaugeSnapshot.GaugeDataPointSnapshot(r.series().size(), Labels.EMPTY, null))));
        out.add(new CounterSnapshot(
                dropped,
                List.of(new CounterSnapshot.CounterDataPointSnapshot(r.droppedTotal(), Labels.EMPTY, null, 0))));
        return new MetricSnapshots(out);
    }

    private MetricSnapshot family(int f, List<Series> all) {
        MetricMetadata meta = metric.baseUnit().isPresent()
                ? new MetricMetadata(
                        names.get(f),
                        metric.description() + " (" + metric.baseUnit().get() + ")")
                : new MetricMetadata(names.get(f), metric.description());
        if (metric.kind() == MapMetric.Kind.COUNTER) {
            List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>(all.size());
            for (Series s : all) {
                points.add(new CounterSnapshot.CounterDataPointSnapshot(s.values[f], labels(s), null, 0));
            }
            return new CounterSnapshot(meta, points);
        }
        List<GaugeSnapshot.GaugeDataPointSnapshot> points = new ArrayList<>(all.size());
        for (Series s : all) {
            points.add(new GaugeSnapshot.GaugeDataPointSnapshot(s.values[f], labels(s), null));
        }
        return new GaugeSnapshot(meta, points);
    }

    private MetricSnapshot histograms(List<Series> all) {
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>(all.size());
        for (Series s : all) {
            long[] counts = new long[upperBounds.length];
            System.arraycopy(s.slots, 0, counts, 0, s.slots.length);
            points.add(new HistogramSnapshot.HistogramDataPointSnapshot(
                    ClassicHistogramBuckets.of(upperBounds, counts), Double.NaN, labels(s), Exemplars.EMPTY, 0));
        }
        return new HistogramSnapshot(
                new MetricMetadata(
                        names.get(0),
                        metric.description()
                                + metric.baseUnit().map(u -> " (" + u + ")").orElse("")),
                points);
    }

    private Labels labels(Series s) {
        return labels.computeIfAbsent(s, x -> Labels.of(labelNames, x.tags));
    }
}
