package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.TypedMap;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.Kernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Perf event lanes: every event name, counting mode, pid and pid-namespace targets, hardware events where they exist. */
class PerfEventLanesTest {
    private static final int PID = (int) ProcessHandle.current().pid();

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static BpfObject load() {
        return AttachLanesTest.lanes().load();
    }

    private static long samples(BpfObject obj) {
        return TypedMap.of(obj.map("hits"), Codecs.s32(), Codecs.s64()).get(2).orElseThrow();
    }

    private static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long n = 0;
        while (System.nanoTime() < end) {
            n++;
        }
        assertTrue(n > 0);
    }

    @Test
    void bothSpellingsOfEveryEventName() {
        assertEquals(
                List.of(
                        "cpu_clock",
                        "task_clock",
                        "page_faults",
                        "context_switches",
                        "cpu_migrations",
                        "page_faults_min",
                        "page_faults_maj",
                        "alignment_faults",
                        "emulation_faults",
                        "cpu_cycles",
                        "instructions",
                        "cache_references",
                        "cache_misses",
                        "branch_instructions",
                        "branch_misses",
                        "bus_cycles",
                        "stalled_cycles_frontend",
                        "stalled_cycles_backend",
                        "ref_cpu_cycles"),
                PerfEvent.eventNames());
        String[][] kernelStyle = {
            {"cpu-clock", "cpu_clock"},
            {"task-clock", "task_clock"},
            {"page-faults", "page_faults"},
            {"faults", "page_faults"},
            {"context-switches", "context_switches"},
            {"cs", "context_switches"},
            {"cpu-migrations", "cpu_migrations"},
            {"minor-faults", "page_faults_min"},
            {"major-faults", "page_faults_maj"},
            {"alignment-faults", "alignment_faults"},
            {"emulation-faults", "emulation_faults"},
            {"cycles", "cpu_cycles"},
            {"cpu-cycles", "cpu_cycles"},
            {"cache-references", "cache_references"},
            {"cache-misses", "cache_misses"},
            {"branches", "branch_instructions"},
            {"branch-misses", "branch_misses"},
            {"bus-cycles", "bus_cycles"},
            {"stalled-cycles-frontend", "stalled_cycles_frontend"},
            {"stalled-cycles-backend", "stalled_cycles_backend"},
            {"ref-cycles", "ref_cpu_cycles"},
            {"CPU_CLOCK", "cpu_clock"}
        };
        for (String[] p : kernelStyle) {
            assertEquals(p[1], PerfEvent.Event.named(p[0]).name(), p[0]);
        }
        assertEquals(
                PerfEvent.Kind.SOFTWARE,
                PerfEvent.Event.software("page_faults_maj").kind());
        assertEquals(9, PerfEvent.Event.hardware("ref_cpu_cycles").config());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PerfEvent.Event.software("cycles"));
        assertTrue(e.getMessage().contains("hardware"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PerfEvent.Event.named("bogus"));
        assertTrue(e.getMessage().contains("bogus") && e.getMessage().contains("cpu_clock"), e.getMessage());
    }

    @Test
    void everySoftwareEventOpensHere() {
        for (String name : PerfEvent.eventNames()) {
            PerfEvent.Event ev = PerfEvent.Event.named(name);
            if (ev.kind() == PerfEvent.Kind.SOFTWARE) {
                assertEquals(Optional.empty(), PerfEvent.probe(ev), name);
            }
        }
    }

    @Test
    void hardwareEventsSampleWhereThePmuHasThem() {
        List<String> missing = new ArrayList<>();
        int armed = 0;
        try (BpfObject obj = load()) {
            for (String name : PerfEvent.eventNames()) {
                PerfEvent.Event ev = PerfEvent.Event.named(name);
                if (ev.kind() != PerfEvent.Kind.HARDWARE) {
                    continue;
                }
                Optional<String> why = PerfEvent.probe(ev);
                if (why.isPresent()) {
                    missing.add(why.get());
                    io.bpf4j.NotSupportedException e = assertThrows(
                            io.bpf4j.NotSupportedException.class,
                            () -> PerfEvent.attach(obj.program("on_tick"), PerfEvent.Spec.period(name, 100_000)));
                    assertTrue(e.getMessage().contains(name), e.getMessage());
                    continue;
                }
                try (PerfEvent l = PerfEvent.attach(obj.program("on_tick"), PerfEvent.Spec.period(name, 100_000))) {
                    assertTrue(l.eventCount() > 0);
                    armed++;
                }
            }
            if (armed > 0) {
                try (PerfEvent _ =
                        PerfEvent.attach(obj.program("on_tick"), PerfEvent.Spec.period("instructions", 100_000))) {
                    spin(100);
                }
                assertTrue(samples(obj) > 0, "instruction samples");
            }
        }
        io.bpf4j.testing.KernelFeature.assume(armed > 0, "hardware perf events", missing.toString());
    }

    @Test
    void countingModeCountsWithoutSampling() {
        try (BpfObject obj = load();
                PerfEvent c = PerfEvent.attach(
                        obj.program("on_tick"),
                        PerfEvent.Spec.counting("task-clock").forPid(PID))) {
            assertTrue(c.eventCount() > 1, "one event per thread of this JVM: " + c.eventCount());
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long before = c.count();
            spin(100);
            long after = c.count();
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            // 3/4, not 9/10: under emulation (the kernel-matrix guests) task-clock and the thread's CPU
            // time are sampled at different moments; 6.1 under TCG measured 87%
            assertTrue(
                    after - before >= cpu * 3 / 4,
                    "task clock grew by " + (after - before) + " ns while this thread alone ran " + cpu + " ns");
            assertEquals(0, samples(obj), "a counting event never runs the program");
        }
    }

    @Test
    void aPidNamespaceTargetObservesItsProcessesOnly() throws Exception {
        Process p = new ProcessBuilder(
                        "unshare",
                        "--pid",
                        "--fork",
                        "sh",
                        "-c",
                        "i=0; while [ $i -lt 100000000 ]; do i=$((i+1)); done")
                .start();
        try (BpfObject obj = load()) {
            ProcessHandle inner = null;
            for (int i = 0; i < 100 && inner == null; i++) {
                inner = p.toHandle().children().findFirst().orElse(null);
                if (inner == null) {
                    Thread.sleep(20);
                }
            }
            assertTrue(inner != null, "unshare started its child");
            PerfEvent.Spec spec =
                    PerfEvent.Spec.counting("task_clock").target(PerfEvent.Target.PidNamespace.ofPid(inner.pid()));
            try (PerfEvent c = PerfEvent.attach(obj.program("on_tick"), spec)) {
                assertEquals(1, c.eventCount(), "the namespace holds one process of one thread");
                // The shell's CPU time, however busy the machine: up to 5 s to reach 10 ms.
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (c.count() <= 10_000_000L && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(c.count() > 10_000_000L, "the busy shell ran for " + c.count() + " ns");
            }
            // This process's own namespace is the host's: observed system-wide, one event per CPU.
            try (PerfEvent all = PerfEvent.attach(
                    obj.program("on_tick"),
                    PerfEvent.Spec.counting("task_clock").target(PerfEvent.Target.PidNamespace.ofPid(PID)))) {
                assertEquals(io.bpf4j.internal.sys.Cpus.online().size(), all.eventCount());
            }
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }
}
