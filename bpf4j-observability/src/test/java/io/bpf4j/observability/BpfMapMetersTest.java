package io.bpf4j.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.PerCpuMap;
import io.bpf4j.codec.Codecs;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Maps as Micrometer meters through SimpleMeterRegistry, with real execs counted by the kernel. */
class BpfMapMetersTest {
    @BeforeAll
    static void privileged() {
        TestKernel.assumePrivileged();
    }

    @Test
    void execCountsByPidAndCommAreCountersTaggedByTheKeyMembers() throws Exception {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe()) {
            obj.attachAll();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            MapMetric m =
                    MapMetric.counter(obj.map("obs_execs")).name("obs.execs").build();
            assertEquals(List.of("pid", "comm"), m.tagNames());
            new BpfMapMeters(m).bindTo(registry);
            List<Long> pids = exe.run(3);
            // The first scrape after the execs sees the new keys and registers their meters.
            scrape(registry);
            for (long pid : pids) {
                FunctionCounter c = registry.find("obs.execs")
                        .tag("pid", Long.toString(pid))
                        .tag("comm", exe.comm)
                        .functionCounter();
                assertNotNull(c, () -> "no meter for pid " + pid + " in " + registry.getMetersAsString());
                assertEquals(1.0, c.count());
            }
            assertEquals(3, registry.find("obs.execs").functionCounters().size());
            List<Long> more = exe.run(1);
            scrape(registry);
            assertEquals(4, registry.find("obs.execs").functionCounters().size());
            assertEquals(
                    1.0,
                    registry.get("obs.execs")
                            .tag("pid", Long.toString(more.get(0)))
                            .functionCounter()
                            .count());
            assertEquals(
                    0.0,
                    registry.get("obs.execs.dropped.keys").functionCounter().count());
        }
    }

    @Test
    void perCpuStructValuesAreSummedPerField() throws Exception {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe()) {
            obj.attachAll();
            List<Long> pids = exe.run(4);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            MapMetric m = MapMetric.counter(obj.map("obs_comm")).keyTag("comm").build();
            assertEquals(List.of("execs", "pid_sum"), m.fieldNames());
            new BpfMapMeters(m).bindTo(registry);
            // the four execs may have run on any CPUs: the meter is the sum over all of them
            assertEquals(
                    4.0,
                    registry.get("obs_comm_execs")
                            .tag("comm", exe.comm)
                            .functionCounter()
                            .count());
            assertEquals(
                    pids.stream().mapToLong(Long::longValue).sum(),
                    registry.get("obs_comm_pid_sum")
                            .tag("comm", exe.comm)
                            .functionCounter()
                            .count());
        }
    }

    @Test
    void perCpuValuesWrittenPerCpuAreSummed() {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load()) {
            PerCpuMap<Long, Long> pc = PerCpuMap.of(obj.map("obs_percpu"), Codecs.u32(), Codecs.u64());
            int cpus = pc.cpuCount();
            List<Long> perCpu = new ArrayList<>();
            long expected = 0;
            for (int c = 0; c < cpus; c++) {
                perCpu.add(1000L + c * 7);
                expected += 1000L + c * 7;
            }
            pc.put(7L, perCpu);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new BpfMapMeters(MapMetric.gauge(obj.map("obs_percpu")).keyTag("id").build()).bindTo(registry);
            assertEquals(
                    (double) expected,
                    registry.get("obs_percpu").tag("id", "7").gauge().value());
            perCpu.set(cpus - 1, perCpu.get(cpus - 1) + 5);
            pc.put(7L, perCpu);
            // a scrape reads the map again: the gauge follows the map
            assertEquals(
                    (double) expected + 5,
                    registry.get("obs_percpu").tag("id", "7").gauge().value());
        }
    }

    @Test
    void seriesBeyondTheCapAreDroppedAndCounted() {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load()) {
            PerCpuMap<Long, Long> pc = PerCpuMap.of(obj.map("obs_percpu"), Codecs.u32(), Codecs.u64());
            for (long k = 0; k < 50; k++) {
                pc.putAll(k, k);
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new BpfMapMeters(MapMetric.counter(obj.map("obs_percpu"))
                            .maxSeries(10)
                            .build())
                    .bindTo(registry);
            assertEquals(10, registry.find("obs_percpu").functionCounters().size());
            assertEquals(10.0, registry.get("obs_percpu.series").gauge().value());
            double dropped =
                    registry.get("obs_percpu.dropped.keys").functionCounter().count();
            // 40 keys refused at bind, 40 more at each read since (the gauge read one)
            assertTrue(dropped == 40 || dropped == 80, "dropped " + dropped);
            // deleting exposed keys frees room for others, and their meters go away
            List<String> exposed = registry.find("obs_percpu").functionCounters().stream()
                    .map(c -> c.getId().getTag("key"))
                    .toList();
            for (String k : exposed) {
                pc.remove(Long.parseLong(k));
            }
            registry.get("obs_percpu.series").gauge().value();
            registry.get("obs_percpu.series").gauge().value();
            List<String> now = registry.find("obs_percpu").functionCounters().stream()
                    .map(c -> c.getId().getTag("key"))
                    .toList();
            assertEquals(10, now.size(), now.toString());
            for (String k : exposed) {
                assertNull(registry.find("obs_percpu").tag("key", k).functionCounter(), "meter of deleted key " + k);
            }
        }
    }

    @Test
    void arrayIndexedBySlotIsOneDistributionSummaryWithCumulativeBuckets() throws Exception {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe()) {
            obj.attachAll();
            List<Long> pids = exe.run(3);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new BpfMapMeters(MapMetric.log2Histogram(obj.map("obs_pid_slots"))
                            .name("pid.log2")
                            .build())
                    .bindTo(registry);
            Meter summary = registry.get("pid.log2").meter();
            assertEquals(Meter.Type.DISTRIBUTION_SUMMARY, summary.getId().getType());
            assertEquals(3.0, stat(summary, Statistic.COUNT));
            long maxPid = pids.stream().mapToLong(Long::longValue).max().orElseThrow();
            int top = 63 - Long.numberOfLeadingZeros(maxPid);
            assertEquals(MapMetric.slotUpperBound(top), stat(summary, Statistic.MAX));
            // every pid is at or below the upper bound of its slot, and above the one before
            for (long pid : pids) {
                int slot = 63 - Long.numberOfLeadingZeros(pid);
                double atOrBelow = registry.get("pid.log2.bucket")
                        .tag("le", BpfMapMeters.leText(slot))
                        .functionCounter()
                        .count();
                long expected = pids.stream()
                        .filter(p -> 63 - Long.numberOfLeadingZeros(p) <= slot)
                        .count();
                assertEquals((double) expected, atOrBelow, "bucket of slot " + slot);
            }
            assertEquals(
                    3.0,
                    registry.get("pid.log2.bucket")
                            .tag("le", BpfMapMeters.leText(31))
                            .functionCounter()
                            .count());
        }
    }

    @Test
    void structWithSlotsIsAHistogramPerKey() throws Exception {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe()) {
            obj.attachAll();
            exe.run(2);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new BpfMapMeters(MapMetric.log2Histogram(obj.map("obs_pid_hist"))
                            .keyTag("comm")
                            .build())
                    .bindTo(registry);
            Meter summary = registry.get("obs_pid_hist").tag("comm", exe.comm).meter();
            assertEquals(2.0, stat(summary, Statistic.COUNT));
            assertTrue(stat(summary, Statistic.TOTAL) > 0);
        }
    }

    @Test
    void aMapThatIsNoHistogramIsRefusedNamingTheShapesAccepted() {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> MapMetric.log2Histogram(obj.map("obs_execs"))
                            .build());
            assertTrue(e.getMessage().contains("obs_execs") && e.getMessage().contains("slots"), e.getMessage());
            IllegalArgumentException f = assertThrows(
                    IllegalArgumentException.class,
                    () -> MapMetric.counter(obj.map("obs_comm")).fields("nope").build());
            assertTrue(f.getMessage().contains("nope") && f.getMessage().contains("execs"), f.getMessage());
        }
    }

    /** What a registry's publish does: every meter read once (the map is read once for all). */
    private static void scrape(SimpleMeterRegistry registry) {
        for (Meter m : registry.getMeters()) {
            m.measure().forEach(Measurement::getValue);
        }
    }

    private static double stat(Meter m, Statistic s) {
        for (Measurement x : m.measure()) {
            if (x.getStatistic() == s) {
                return x.getValue();
            }
        }
        throw new AssertionError(m.getId() + " has no " + s);
    }
}
