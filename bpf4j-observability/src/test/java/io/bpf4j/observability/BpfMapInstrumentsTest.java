package io.bpf4j.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Maps as OpenTelemetry observable instruments, collected through the SDK's in-memory reader. */
class BpfMapInstrumentsTest {
    private static final AttributeKey<String> PID = AttributeKey.stringKey("pid");
    private static final AttributeKey<String> COMM = AttributeKey.stringKey("comm");

    @BeforeAll
    static void privileged() {
        TestKernel.assumePrivileged();
    }

    @Test
    void eachCollectionReadsTheExecCountsOfTheKernel() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe();
                SdkMeterProvider provider =
                        SdkMeterProvider.builder().registerMetricReader(reader).build();
                BpfMapInstruments _ = BpfMapInstruments.register(
                        provider.get("io.bpf4j.test"),
                        MapMetric.counter(obj.map("obs_execs")).build());
                BpfMapInstruments _ = BpfMapInstruments.register(
                        provider.get("io.bpf4j.test"),
                        MapMetric.log2Histogram(obj.map("obs_pid_hist"))
                                .keyTag("comm")
                                .build())) {
            obj.attachAll();
            List<Long> pids = exe.run(2);
            Collection<MetricData> first = reader.collectAllMetrics();
            Map<String, Double> byPid = counts(first, exe.comm);
            Map<String, Double> expected = new TreeMap<>();
            pids.forEach(p -> expected.put(Long.toString(p), 1.0));
            assertEquals(expected, byPid);
            long count = metric(first, "obs_pid_hist.count").getLongSumData().getPoints().stream()
                    .filter(p -> exe.comm.equals(p.getAttributes().get(COMM)))
                    .mapToLong(LongPointData::getValue)
                    .sum();
            assertEquals(2, count);
            long inf = metric(first, "obs_pid_hist.bucket").getLongSumData().getPoints().stream()
                    .filter(p -> exe.comm.equals(p.getAttributes().get(COMM))
                            && BpfMapMeters.leText(31).equals(p.getAttributes().get(AttributeKey.stringKey("le"))))
                    .mapToLong(LongPointData::getValue)
                    .sum();
            assertEquals(2, inf);

            List<Long> more = exe.run(1);
            Map<String, Double> second = counts(reader.collectAllMetrics(), exe.comm);
            expected.put(Long.toString(more.get(0)), 1.0);
            assertEquals(expected, second);
            assertTrue(metric(reader.collectAllMetrics(), "obs_execs.series")
                            .getLongSumData()
                            .getPoints()
                            .iterator()
                            .next()
                            .getValue()
                    >= 3);
        }
    }

    private static Map<String, Double> counts(Collection<MetricData> all, String comm) {
        MetricData m = metric(all, "obs_execs");
        assertTrue(m.getDoubleSumData().isMonotonic(), "a counter");
        Map<String, Double> out = new TreeMap<>();
        for (DoublePointData p : m.getDoubleSumData().getPoints()) {
            if (comm.equals(p.getAttributes().get(COMM))) {
                out.put(p.getAttributes().get(PID), p.getValue());
            }
        }
        return out;
    }

    private static MetricData metric(Collection<MetricData> all, String name) {
        return all.stream()
                .filter(m -> m.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in "
                        + all.stream().map(MetricData::getName).toList()));
    }
}
