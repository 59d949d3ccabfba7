package io.bpf4j.bench;

import io.bpf4j.BpfMap;
import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.UpdateFlag;
import io.bpf4j.observability.BpfMapCollector;
import io.bpf4j.observability.BpfMapMeters;
import io.bpf4j.observability.MapMetric;
import io.bpf4j.observability.MapSampler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One scrape of a 10,000-key hash map (obs_exec.bpf.o's obs_execs: key {u32 pid; char comm[16]},
 * value u64, filled from user space) through bpf4j-observability: the map read alone (batch
 * lookups into the series table), the Prometheus collector's snapshot, that snapshot written as
 * Prometheus text, and a Micrometer scrape (every one of the 10,000 FunctionCounters read, one map
 * read serving them all).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ObsScrapeBench {
    static final int KEYS = 10_000;

    private BpfObject obj;
    private MapSampler sampler;
    private BpfMapCollector collector;
    private SimpleMeterRegistry registry;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream(1 << 20);
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    @Setup(Level.Trial)
    public void setup() {
        Path dir = Path.of(System.getProperty("bpf4j.obs.bpf.dir", "bpf4j-observability/target/test-classes/bpf"));
        obj = ObjectSpec.read(dir.resolve("obs_exec.bpf.o")).load();
        BpfMap map = obj.map("obs_execs");
        for (int i = 0; i < KEYS; i++) {
            ByteBuffer k = ByteBuffer.allocate(20)
                    .order(ByteOrder.nativeOrder())
                    .putInt(100_000 + i)
                    .put(("bench" + i).getBytes(StandardCharsets.US_ASCII));
            byte[] v = ByteBuffer.allocate(8)
                    .order(ByteOrder.nativeOrder())
                    .putLong(i * 3L)
                    .array();
            map.update(k.array(), v, UpdateFlag.ANY);
        }
        MapMetric metric = MapMetric.counter(map).maxSeries(KEYS).build();
        sampler = new MapSampler(metric);
        collector = new BpfMapCollector(metric);
        registry = new SimpleMeterRegistry();
        new BpfMapMeters(metric).bindTo(registry);
        if (sampler.read().series().size() != KEYS) {
            throw new IllegalStateException("expected " + KEYS + " series");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
        obj.close();
    }

    /** The map read into the series table: batch lookups, numbers read from the value bytes. */
    @Benchmark
    public int readMap() {
        return sampler.read().series().size();
    }

    /** The Prometheus client's snapshot of the map (what a scrape of the endpoint collects). */
    @Benchmark
    public int prometheusCollect() {
        return collector.collect().size();
    }

    /** The snapshot written as the Prometheus text format (the endpoint's whole work, minus HTTP). */
    @Benchmark
    public int prometheusText() throws IOException {
        text.reset();
        writer.write(text, collector.collect(), EscapingScheme.ALLOW_UTF8);
        return text.size();
    }

    /** A Micrometer scrape: every meter of the registry read, as a registry's publish does. */
    @Benchmark
    public double micrometerScrape() {
        double sum = 0;
        for (Meter m : registry.getMeters()) {
            if (m instanceof FunctionCounter c) {
                sum += c.count();
            }
        }
        return sum;
    }
}
