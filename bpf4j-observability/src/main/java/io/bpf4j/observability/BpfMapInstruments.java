package io.bpf4j.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * A BPF map ({@link MapMetric}) as OpenTelemetry observable instruments: one batch callback reads
 * the map once per collection (whatever reader or exporter collects: OTLP, Prometheus, in-memory)
 * and records every key's numbers with the key's members as attributes.
 * <ul>
 * <li>COUNTER: an observable double counter per value field; GAUGE: an observable double gauge;
 * <li>LOG2_HISTOGRAM (the API has no observable histogram): an observable long counter
 *     {@code <name>.bucket} with attribute {@code le} (each slot's upper bound {@code 2^(i+1)-1},
 *     counting the observations at or below it) and {@code <name>.count};
 * <li>always {@code <name>.series} (up-down counter: keys exposed) and {@code <name>.dropped_keys}
 *     (counter, see {@link MapMetric}).
 * </ul>
 *
 * <pre>{@code
 * Meter meter = openTelemetry.getMeter("io.bpf4j");
 * try (BpfMapInstruments i = BpfMapInstruments.register(meter, MapMetric.counter(obj.map("exec_count")).build())) {
 *     ... // exported at each collection until closed
 * }
 * }</pre>
 */
public final class BpfMapInstruments implements AutoCloseable {
    private final BatchCallback callback;

    private BpfMapInstruments(BatchCallback callback) {
        this.callback = callback;
    }

    /** Registers {@code metric}'s instruments on {@code meter}; {@link #close()} removes the callback. */
    public static BpfMapInstruments register(Meter meter, MapMetric metric) {
        MapSampler sampler = new MapSampler(metric);
        String base = metric.name();
        String unit = metric.baseUnit().orElse(null);
        List<String> tagNames = metric.tagNames();
        List<AttributeKey<String>> keys =
                tagNames.stream().map(AttributeKey::stringKey).toList();
        IdentityHashMap<Series, Attributes> attrs = new IdentityHashMap<>();
        ObservableLongMeasurement series = meter.upDownCounterBuilder(base + ".series")
                .setDescription("keys of BPF map " + metric.map().name() + " exposed as series")
                .buildObserver();
        ObservableLongMeasurement dropped = meter.counterBuilder(base + ".dropped_keys")
                .setDescription("keys of BPF map " + metric.map().name() + " seen beyond the cap of "
                        + metric.maxSeries() + " series, summed over collections")
                .buildObserver();
        List<ObservableMeasurement> all = new ArrayList<>();
        all.add(dropped);
        Runnable cb;
        if (metric.kind() == MapMetric.Kind.LOG2_HISTOGRAM) {
            var b = meter.counterBuilder(base + ".bucket")
                    .setDescription(metric.description() + ": observations at or below le");
            var c = meter.counterBuilder(base + ".count").setDescription(metric.description() + ": observations");
            if (unit != null) {
                b.setUnit(unit);
            }
            ObservableLongMeasurement buckets = b.buildObserver();
            ObservableLongMeasurement counts = c.buildObserver();
            all.add(buckets);
            all.add(counts);
            AttributeKey<String> le = AttributeKey.stringKey("le");
            int slots = metric.slotCount();
            String[] leText = new String[slots];
            for (int i = 0; i < slots; i++) {
                leText[i] = BpfMapMeters.leText(i);
            }
            cb = () -> {
                synchronized (sampler) {
                    MapSampler.Reading r = sampler.read();
                    r.removed().forEach(attrs::remove);
                    for (Series s : r.series()) {
                        Attributes a = attrs.computeIfAbsent(s, x -> attributes(keys, x));
                        long sum = 0;
                        for (int i = 0; i < slots; i++) {
                            sum += s.slots[i];
                            buckets.record(sum, a.toBuilder().put(le, leText[i]).build());
                        }
                        counts.record(sum, a);
                    }
                    series.record(r.series().size());
                    dropped.record(r.droppedTotal());
                }
            };
        } else {
            List<ObservableDoubleMeasurement> fields = new ArrayList<>();
            for (int f = 0; f < metric.fields().size(); f++) {
                String name = metric.metricName(f);
                ObservableDoubleMeasurement m;
                if (metric.kind() == MapMetric.Kind.COUNTER) {
                    var b = meter.counterBuilder(name).ofDoubles().setDescription(metric.description());
                    if (unit != null) {
                        b.setUnit(unit);
                    }
                    m = b.buildObserver();
                } else {
                    var b = meter.gaugeBuilder(name).setDescription(metric.description());
                    if (unit != null) {
                        b.setUnit(unit);
                    }
                    m = b.buildObserver();
                }
                fields.add(m);
                all.add(m);
            }
            cb = () -> {
                synchronized (sampler) {
                    MapSampler.Reading r = sampler.read();
                    r.removed().forEach(attrs::remove);
                    for (Series s : r.series()) {
                        Attributes a = attrs.computeIfAbsent(s, x -> attributes(keys, x));
                        for (int f = 0; f < fields.size(); f++) {
                            fields.get(f).record(s.values[f], a);
                        }
                    }
                    series.record(r.series().size());
                    dropped.record(r.droppedTotal());
                }
            };
        }
        return new BpfMapInstruments(meter.batchCallback(cb, series, all.toArray(ObservableMeasurement[]::new)));
    }

    private static Attributes attributes(List<AttributeKey<String>> keys, Series s) {
        AttributesBuilder b = Attributes.builder();
        for (int i = 0; i < keys.size(); i++) {
            b.put(keys.get(i), s.tags[i]);
        }
        return b.build();
    }

    /** Removes the callback: the instruments report nothing more. */
    @Override
    public void close() {
        callback.close();
    }
}
