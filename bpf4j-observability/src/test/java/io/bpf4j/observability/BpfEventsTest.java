package io.bpf4j.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.ObjectTypes;
import io.bpf4j.perf.PerfBuffer;
import io.bpf4j.ringbuf.RingBuffer;
import io.bpf4j.ringbuf.RingFanout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.Timespan;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ring buffer records of real execs as JFR events: in a recording file, in `jfr print`, streamed. */
class BpfEventsTest {
    @BeforeAll
    static void privileged() {
        TestKernel.assumePrivileged();
    }

    @Test
    void theEventTypeHasTheStructsMembersWithUnitsFromTheirNames() {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load()) {
            BpfEvents events = BpfEvents.builder(ObjectTypes.struct(obj, "exec_event"))
                    .kernelTime("ts_ns")
                    .build();
            EventType t = events.eventType();
            assertEquals("bpf4j.exec_event", t.getName());
            assertEquals(List.of("bpf4j", "Kernel"), t.getCategoryNames());
            Map<String, String> fields = new TreeMap<>();
            for (ValueDescriptor d : t.getFields()) {
                fields.put(d.getName(), d.getTypeName());
            }
            assertEquals("long", fields.get("ts_ns"));
            assertEquals("long", fields.get("pid")); // a __u32 fits a long, never negative
            assertEquals("java.lang.String", fields.get("comm"));
            assertEquals("long", fields.get("kernelTime"));
            Timespan ts = t.getField("ts_ns").getAnnotation(Timespan.class);
            assertNotNull(ts, "ts_ns is a timespan");
            assertEquals(Timespan.NANOSECONDS, ts.value());
            assertEquals(null, t.getField("pid").getAnnotation(Timespan.class));
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> BpfEvents.builder(ObjectTypes.struct(obj, "exec_event"))
                            .name("bpf4j.other")
                            .kernelTime("comm")
                            .build());
            assertTrue(e.getMessage().contains("comm"), e.getMessage());
        }
    }

    @Test
    void aRecordingHoldsOneEventPerExecWithItsPidAndComm() throws Exception {
        Path jfr = Files.createTempFile("bpf4j-obs", ".jfr");
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe();
                RingBuffer rb = RingBuffer.open(obj.map("obs_events"));
                Recording rec = new Recording()) {
            BpfEvents events = BpfEvents.builder(ObjectTypes.struct(obj, "exec_event"))
                    .name("bpf4j.test.exec")
                    .kernelTime("ts_ns")
                    .build();
            rec.enable("bpf4j.test.exec");
            rec.start();
            obj.attachAll();
            Instant before = Instant.now();
            List<Long> pids = exe.run(3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // drain until our three records came (other tests' execs of their own comm may be there too)
            while (rb.processed() < 3 && System.nanoTime() < deadline) {
                rb.poll(Duration.ofMillis(100), events.ringHandler());
            }
            rb.consume(events.ringHandler());
            rec.stop();
            rec.dump(jfr);
            List<RecordedEvent> ours = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
                if (e.getEventType().getName().equals("bpf4j.test.exec") && exe.comm.equals(e.getString("comm"))) {
                    ours.add(e);
                }
            }
            assertEquals(pids, ours.stream().map(e -> e.getLong("pid")).toList(), "one event per exec, in order");
            for (RecordedEvent e : ours) {
                Instant kernel = e.getInstant("kernelTime");
                assertTrue(
                        !kernel.isBefore(before.minusSeconds(1))
                                && !kernel.isAfter(Instant.now().plusSeconds(1)),
                        "kernel time " + kernel + " converted from CLOCK_MONOTONIC, test began " + before);
                assertTrue(e.getDuration("kernelDelay").compareTo(Duration.ZERO) >= 0);
            }
            // and the JDK's own tool prints them
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jfr")
                                    .toString(),
                            "print",
                            "--events",
                            "bpf4j.test.exec",
                            jfr.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
            assertTrue(out.contains("comm = \"" + exe.comm + "\"") && out.contains("pid = " + pids.get(0)), out);
        } finally {
            Files.deleteIfExists(jfr);
        }
    }

    @Test
    void aRecordingStreamSeesTheEventsAsTheyAreCommitted() throws Exception {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe();
                RingBuffer rb = RingBuffer.open(obj.map("obs_events"));
                RecordingStream stream = new RecordingStream()) {
            BpfEvents events = BpfEvents.builder(ObjectTypes.struct(obj, "exec_event"))
                    .name("bpf4j.test.stream")
                    .build();
            List<Long> seen = new CopyOnWriteArrayList<>();
            stream.enable("bpf4j.test.stream");
            stream.setMaxAge(Duration.ofSeconds(30));
            stream.onEvent("bpf4j.test.stream", e -> {
                if (exe.comm.equals(e.getString("comm"))) {
                    seen.add(e.getLong("pid"));
                }
            });
            stream.startAsync();
            obj.attachAll();
            List<Long> pids = exe.run(2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                rb.poll(Duration.ofMillis(100), events.ringHandler());
            }
            assertEquals(pids, List.copyOf(seen));
        }
    }

    @Test
    void aRingFanoutSubscriberCommitsTheDecodedValues() throws Exception {
        Path jfr = Files.createTempFile("bpf4j-obs", ".jfr");
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe();
                RingBuffer rb = RingBuffer.open(obj.map("obs_events"));
                Recording rec = new Recording()) {
            var codec = ObjectTypes.struct(obj, "exec_event");
            BpfEvents events =
                    BpfEvents.builder(codec).name("bpf4j.test.fanout").build();
            rec.enable("bpf4j.test.fanout");
            rec.start();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<Long> pids;
            try (RingFanout<Object> fan = RingFanout.start(rb, codec)) {
                List<Object> seen = new CopyOnWriteArrayList<>();
                var sink = events.sink();
                fan.subscribe(
                        v -> {
                            sink.accept(v);
                            seen.add(v); // after the commit: seeing it here means the event was committed
                        },
                        errors::add);
                obj.attachAll();
                pids = exe.run(2);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (seen.stream()
                                        .filter(v -> v.toString().contains(exe.comm))
                                        .count()
                                < 2
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            rec.stop();
            rec.dump(jfr);
            List<Long> ours = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
                if (e.getEventType().getName().equals("bpf4j.test.fanout") && exe.comm.equals(e.getString("comm"))) {
                    ours.add(e.getLong("pid"));
                }
            }
            assertEquals(List.of(), errors);
            assertEquals(pids, ours);
        } finally {
            Files.deleteIfExists(jfr);
        }
    }

    @Test
    void perfSamplesBecomeEventsToo() throws Exception {
        Path jfr = Files.createTempFile("bpf4j-obs", ".jfr");
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe();
                PerfBuffer pb = PerfBuffer.open(obj.map("obs_perf"), 8, (cpu, n) -> {});
                Recording rec = new Recording()) {
            BpfEvents events = BpfEvents.builder(ObjectTypes.struct(obj, "exec_event"))
                    .name("bpf4j.test.perf")
                    .build();
            rec.enable("bpf4j.test.perf");
            rec.start();
            obj.attachAll();
            List<Long> pids = exe.run(2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                pb.poll(Duration.ofMillis(100), events.perfHandler());
                if (pb.processed() >= 2) {
                    pb.consume(events.perfHandler());
                    break;
                }
            }
            rec.stop();
            rec.dump(jfr);
            List<Long> ours = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
                if (e.getEventType().getName().equals("bpf4j.test.perf") && exe.comm.equals(e.getString("comm"))) {
                    ours.add(e.getLong("pid"));
                }
            }
            // per-CPU rings: the two samples may come from different CPUs, in either order
            assertEquals(pids.stream().sorted().toList(), ours.stream().sorted().toList());
        } finally {
            Files.deleteIfExists(jfr);
        }
    }
}
