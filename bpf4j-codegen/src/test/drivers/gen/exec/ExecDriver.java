package gen.exec;

import io.bpf4j.ObjectSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Uses the skeleton generated from codegen_exec.bpf.o as an application would (compiled by
 * SkeletonGeneratorTest together with the generated source): sets constants, loads, attaches,
 * execs a process, reads the typed ring buffer, perf buffer, maps and globals. Returns what it
 * saw; the test checks it.
 */
public final class ExecDriver implements Function<Path, Map<String, Object>> {
    @Override
    public Map<String, Object> apply(Path object) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (CodegenExec skel = CodegenExec.open(ObjectSpec.read(object))
                .cookie(42)
                .reportKind(CodegenExec.EventKind.KIND_FORK)
                .limits(new CodegenExec.Limits(1000, 5))   // initial values of .data and .bss
                .lastPid(-9)
                .load()) {
            out.put("bss.lastPid.initial", skel.bss().lastPid());
            out.put("rodata.cookie", skel.rodata().cookie());
            out.put("rodata.reportKind", skel.rodata().reportKind().name());
            out.put("data.limits", skel.data().limits().toString());
            skel.eventsRing();   // readers before the event: a perf buffer sees only what comes after it opens
            skel.samplesPerf();
            out.put("attached", skel.attachAll().attached().size());

            long pid = exec();
            List<CodegenExec.Event> events = new ArrayList<>();
            List<CodegenExec.PerfSample> samples = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && (events.stream().noneMatch(e -> e.comm().equals("sh")) || samples.isEmpty())) {
                skel.pollEvents(Duration.ofMillis(100), e -> {
                    if (e.pid() == pid) {
                        events.add(e);
                    }
                });
                skel.pollSamples(Duration.ofMillis(10), s -> {
                    if (s.pid() == pid) {
                        samples.add(s);
                    }
                });
            }
            CodegenExec.Event sh = events.stream().filter(e -> e.comm().equals("sh")).findFirst().orElse(null);
            out.put("event.comms", events.stream().map(CodegenExec.Event::comm).toList());
            if (sh != null) {
                out.put("event.pid", sh.pid());
                out.put("event.kind", sh.kind().name());
                out.put("event.cookie", sh.cookie());
                out.put("event.net.port", sh.net().port());
                out.put("event.net.delta", (int) sh.net().delta());
                out.put("event.asU32", sh.asU32());
                out.put("event.marked", sh.marked());
            }
            out.put("sample.values", samples.stream().map(CodegenExec.PerfSample::value).toList());
            skel.stats().lookup(new CodegenExec.ExecKeyT(pid, "sh")).ifPresent(s -> {
                out.put("stats.count", s.count());
                out.put("stats.ports", List.of(s.ports()[0], s.ports()[1]));
            });
            out.put("totals[0]", skel.totals().get(0));
            out.put("bss.execCount", skel.bss().execCount());

            // Typed map write and read back.
            CodegenExec.ExecKeyT key = new CodegenExec.ExecKeyT(4_000_000_123L, "written");
            skel.stats().update(key, new CodegenExec.ExecStats(-1L, -7L, new int[] {65535, 1}));
            skel.stats().lookup(key).ifPresent(s -> out.put("stats.written",
                    Long.toUnsignedString(s.count()) + " " + s.lastSeq() + " " + s.ports()[0] + "," + s.ports()[1]));

            // A .data write the program obeys: no room left, so the next exec emits nothing.
            skel.data().limits(new CodegenExec.Limits(0, 0));
            long before = skel.bss().execCount();
            long pid2 = exec();
            List<CodegenExec.Event> after = new ArrayList<>();
            skel.pollEvents(Duration.ofMillis(300), e -> {
                if (e.pid() == pid2) {
                    after.add(e);
                }
            });
            out.put("limited.events", after.size());
            out.put("limited.execCountDelta", skel.bss().execCount() - before);
            out.put("limited.seen", skel.data().limits().seen());
        }
        // The resource path: load() reads CodegenExec.RESOURCE from the class path, next to the class.
        try (CodegenExec skel = CodegenExec.load()) {
            out.put("resource.cookie", skel.rodata().cookie());
        }
        return out;
    }

    private static long exec() {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", "exec /bin/true").start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("/bin/sh -c 'exec /bin/true' exited with " + p.exitValue());
            }
            return p.pid();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
