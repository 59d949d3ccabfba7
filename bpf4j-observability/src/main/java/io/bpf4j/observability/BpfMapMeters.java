package io.bpf4j.observability;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * A Micrometer {@link MeterBinder} exposing a BPF map ({@link MapMetric}) as meters, read from the
 * map when the registry reads them (no polling thread): one FunctionCounter (COUNTER) or Gauge
 * (GAUGE) per key and value field, tagged by the key's members; keys that appear later get their
 * meters at the next scrape, keys that leave the map lose them.
 *
 * <p>Besides the map's own meters: {@code <name>.series} (gauge: keys exposed) and
 * {@code <name>.dropped.keys} (function counter: keys seen beyond {@link MapMetric#maxSeries()},
 * summed over reads).
 *
 * <p>A LOG2_HISTOGRAM key gives a meter of type DISTRIBUTION_SUMMARY named {@code <name>} with
 * COUNT (observations), TOTAL (an estimate: each slot's count times its midpoint, the kernel
 * keeps no sum) and MAX (the upper bound of the highest non-empty slot), and a FunctionCounter
 * {@code <name>.bucket} per slot tagged {@code le} = the slot's upper bound ({@code 2^(i+1)-1}),
 * counting the observations at or below it, as Prometheus' cumulative buckets do.
 *
 * <p>A scrape that reads every meter reads the map once (see {@link MapSampler#value}); the meters
 * of keys that a read finds new are registered during that scrape and reported from the next.
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();
 * new BpfMapMeters(MapMetric.counter(obj.map("exec_count")).keyTag("comm").build()).bindTo(registry);
 * registry.find("exec_count").tag("comm", "bash").functionCounter().count();
 * }</pre>
 */
public final class BpfMapMeters implements MeterBinder {
    private final MapSampler sampler;
    private final MapMetric metric;
    private final IdentityHashMap<Series, List<Meter>> meters = new IdentityHashMap<>();
    private final Series heartbeat = new Series(new String[0], 1, 0);
    private MeterRegistry registry;
    private long synced = -1;

    /** Meters of {@code metric}'s map. */
    public BpfMapMeters(MapMetric metric) {
        this.metric = metric;
        this.sampler = new MapSampler(metric);
    }

    /** The sampler behind the meters. */
    public MapSampler sampler() {
        return sampler;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        if (this.registry != null) {
            throw new IllegalStateException(
                    metric + " is already bound to " + this.registry + ": make one BpfMapMeters per registry");
        }
        this.registry = registry;
        // Held strongly: this gauge is what keeps the binder (and so its sampler) alive in the registry
        // while the map has no key yet; Micrometer holds a gauge's object weakly by default.
        Gauge.builder(metric.name() + ".series", this, m -> m.touch())
                .strongReference(true)
                .description("keys of BPF map " + metric.map().name() + " exposed as series")
                .register(registry);
        FunctionCounter.builder(metric.name() + ".dropped.keys", sampler, MapSampler::droppedTotal)
                .description("keys of BPF map " + metric.map().name() + " seen beyond the cap of " + metric.maxSeries()
                        + " series, summed over scrapes")
                .register(registry);
        sampler.read();
        sampler.serve(heartbeat, 0); // so that the next scrape's first read of the series gauge reads the map
        sync();
    }

    /** The series gauge: reads the map when due, so new keys get meters even before any exists. */
    private double touch() {
        sampler.serve(heartbeat, 0);
        sync();
        return sampler.series().size();
    }

    private double read(Series s, int field) {
        double v = sampler.value(s, field);
        sync();
        return v;
    }

    private double cumulative(Series s, int slot) {
        double v = sampler.cumulative(s, slot);
        sync();
        return v;
    }

    /** Registers meters of new keys and removes those of keys gone, once per read of the map. */
    private synchronized void sync() {
        long g = sampler.generation();
        if (g == synced || registry == null) {
            return;
        }
        synced = g;
        List<Series> live = sampler.series();
        for (Series s : live) {
            meters.computeIfAbsent(s, this::register);
        }
        meters.entrySet().removeIf(e -> {
            if (!e.getKey().isLive()) {
                e.getValue().forEach(registry::remove);
                return true;
            }
            return false;
        });
    }

    private List<Meter> register(Series s) {
        Tags tags = tags(s);
        List<Meter> out = new ArrayList<>();
        String unit = metric.baseUnit().orElse(null);
        if (metric.kind() == MapMetric.Kind.LOG2_HISTOGRAM) {
            int slots = metric.slotCount();
            for (int i = 0; i < slots; i++) {
                int slot = i;
                out.add(FunctionCounter.builder(metric.name() + ".bucket", s, x -> cumulative(x, slot))
                        .tags(tags)
                        .tag("le", leText(slot))
                        .baseUnit(unit)
                        .description(metric.description() + ": observations at or below le")
                        .register(registry));
            }
            List<Measurement> ms = List.of(
                    new Measurement(() -> summary(s, 0), Statistic.COUNT),
                    new Measurement(() -> summary(s, 1), Statistic.TOTAL),
                    new Measurement(() -> summary(s, 2), Statistic.MAX));
            out.add(Meter.builder(metric.name(), Meter.Type.DISTRIBUTION_SUMMARY, ms)
                    .tags(tags)
                    .baseUnit(unit)
                    .description(metric.description())
                    .register(registry));
            return out;
        }
        for (int f = 0; f < metric.fields().size(); f++) {
            int field = f;
            String name = metric.metricName(f);
            if (metric.kind() == MapMetric.Kind.COUNTER) {
                out.add(FunctionCounter.builder(name, s, x -> read(x, field))
                        .tags(tags)
                        .baseUnit(unit)
                        .description(metric.description())
                        .register(registry));
            } else {
                out.add(Gauge.builder(name, s, x -> read(x, field))
                        .strongReference(true)
                        .tags(tags)
                        .baseUnit(unit)
                        .description(metric.description())
                        .register(registry));
            }
        }
        return out;
    }

    /** COUNT, TOTAL (estimated) or MAX of histogram {@code s}: one read serves all three. */
    private double summary(Series s, int which) {
        long[] slots;
        synchronized (sampler) {
            if (which == 0) {
                sampler.serve(s, s.readAt.length - 1);
            }
            slots = sampler.slotsOf(s);
        }
        sync();
        return switch (which) {
            case 0 -> Log2.count(slots);
            case 1 -> Log2.estimatedSum(slots);
            default -> Log2.max(slots);
        };
    }

    static String leText(int slot) {
        double b = MapMetric.slotUpperBound(slot);
        return b < 0x1p53 ? Long.toString((long) b) : Double.toString(b);
    }

    private Tags tags(Series s) {
        List<String> names = metric.tagNames();
        List<Tag> t = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            t.add(Tag.of(names.get(i), s.tags[i]));
        }
        return Tags.of(t);
    }
}
