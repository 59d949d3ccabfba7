package io.bpf4j.cli;

import io.bpf4j.BpfMap;
import io.bpf4j.BpfObject;
import io.bpf4j.MapInfo;
import io.bpf4j.MapType;
import io.bpf4j.ObjectSpec;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.btf.Btf;
import io.bpf4j.codec.BtfCodec;
import io.bpf4j.link.Attach;
import io.bpf4j.perf.PerfBuffer;
import io.bpf4j.ringbuf.RingBuffer;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bpf4j run X.bpf.o}: load an object, attach every program, stream the events of its ring
 * and perf buffers as JSON lines (decoded through a BTF struct when named), print its maps at the
 * end (and every {@code --maps-every}), and tear it all down on Ctrl-C or after {@code --duration}.
 */
final class RunCommand extends Cmd implements Runnable {
    static CommandSpec spec() {
        RunCommand c = new RunCommand();
        return Decl.command(c, "run", "Load an object, attach its programs, stream its events as JSON lines.")
                .path("0", "FILE", null, v -> c.file = v)
                .repeated("--set", "NAME=VALUE", "Set a global (const volatile) before load.", v -> c.sets = v)
                .repeated(
                        "--attach",
                        "PROG=SPEC",
                        "Attach PROG as the section SPEC names (e.g. tracepoint/syscalls/sys_enter_execve).",
                        v -> c.attaches = v)
                .repeated("--ringbuf", "MAP[:STRUCT]", "Stream a ring buffer, records as STRUCT.", v -> c.ringbufs = v)
                .repeated("--perfbuf", "MAP[:STRUCT]", "Stream a perf buffer, samples as STRUCT.", v -> c.perfbufs = v)
                .option("--maps-every", "DURATION", "Print the maps this often (e.g. 1s).", false, v -> c.mapsEvery = v)
                .option(
                        "--duration",
                        "DURATION",
                        "Stop after this long (e.g. 10s, 500ms, 2m).",
                        false,
                        v -> c.duration = v)
                .option(
                        "--metrics",
                        "HOST:PORT",
                        "Serve the maps as Prometheus metrics at http://HOST:PORT/metrics (bpf4j-observability).",
                        false,
                        v -> c.metrics = v)
                .spec();
    }

    Path file;

    List<String> sets = new ArrayList<>();

    List<String> attaches = new ArrayList<>();

    List<String> ringbufs = new ArrayList<>();

    List<String> perfbufs = new ArrayList<>();

    String mapsEvery;

    String duration;

    String metrics;

    static Duration duration(String s) {
        try {
            if (s.matches("[0-9]+ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.matches("[0-9]+[smh]")) {
                long n = Long.parseLong(s.substring(0, s.length() - 1));
                return switch (s.charAt(s.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(s);
        } catch (RuntimeException e) {
            throw fail("duration " + s + " is not like 10s, 500ms, 2m or PT10S");
        }
    }

    static Object value(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        try {
            if (v.matches("-?0x[0-9a-fA-F]+")) {
                boolean neg = v.startsWith("-");
                long x = Long.parseUnsignedLong(v.substring(neg ? 3 : 2), 16);
                return neg ? -x : x;
            }
            if (v.matches("-?[0-9]+")) {
                return Long.parseLong(v);
            }
        } catch (NumberFormatException e) {
            throw fail("value " + v + " does not fit 64 bits");
        }
        return v;
    }

    private record Stream(String map, Optional<BtfCodec> codec) {}

    private Stream stream(String arg, Optional<Btf> btf) {
        int c = arg.indexOf(':');
        String map = c < 0 ? arg : arg.substring(0, c);
        if (c < 0) {
            return new Stream(map, Optional.empty());
        }
        String struct = arg.substring(c + 1);
        Btf b = btf.orElseThrow(() -> fail(file + " has no BTF to decode struct " + struct + " (compile with -g)"));
        return new Stream(map, Optional.of(BtfCodec.struct(b, struct)));
    }

    @Override
    public void run() {
        ObjectSpec spec = ObjectSpec.read(file);
        Optional<Btf> btf = spec.btf();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw fail("--set wants NAME=VALUE, not " + s);
            }
            spec = spec.withConstant(s.substring(0, eq), value(s.substring(eq + 1)));
        }
        Map<String, String> attachTo = new LinkedHashMap<>();
        for (String a : attaches) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw fail("--attach wants PROG=SPEC, not " + a);
            }
            String prog = a.substring(0, eq);
            if (spec.program(prog).isEmpty()) {
                throw fail(file + " has no program " + prog);
            }
            attachTo.put(prog, a.substring(eq + 1));
        }
        List<Stream> rings = new ArrayList<>();
        ringbufs.forEach(r -> rings.add(stream(r, btf)));
        List<Stream> perfs = new ArrayList<>();
        perfbufs.forEach(p -> perfs.add(stream(p, btf)));
        Duration limit = duration == null ? null : duration(duration);
        Duration every = mapsEvery == null ? null : duration(mapsEvery);
        PrintWriter o = out();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (BpfObject obj = spec.load()) {
            for (ProgramSpec p : obj.programSpecs()) {
                Optional<Program> prog = obj.findProgram(p.name());
                if (prog.isEmpty()) {
                    continue;
                }
                ProgramSpec as = p;
                String target = attachTo.get(p.name());
                if (target != null) {
                    int slash = target.indexOf('/');
                    as = p.toBuilder()
                            .sectionName(target)
                            .attachTo(slash < 0 ? "" : target.substring(slash + 1))
                            .build();
                }
                obj.own(Attach.attach(prog.get(), as));
            }
            List<AutoCloseable> readers = new ArrayList<>();
            List<Runnable> polls = new ArrayList<>();
            try {
                if (metrics != null) {
                    var server = io.bpf4j.observability.MetricsServer.start(
                            metrics, io.bpf4j.observability.MapMetrics.of(obj));
                    readers.add(server);
                    o.println(Json.of(Map.of(
                            "metrics",
                            "http://" + metrics.substring(0, metrics.lastIndexOf(':') + 1) + server.port()
                                    + "/metrics")));
                    o.flush();
                }
                for (Stream s : rings) {
                    RingBuffer rb = RingBuffer.open(obj.map(s.map()));
                    readers.add(rb);
                    polls.add(() -> rb.poll(Duration.ofMillis(50), rec -> event(o, "ringbuf", s, -1, rec)));
                }
                for (Stream s : perfs) {
                    PerfBuffer pb = PerfBuffer.open(obj.map(s.map()), 8, (cpu, n) -> lost(o, s.map(), cpu, n));
                    readers.add(pb);
                    polls.add(() -> pb.poll(Duration.ofMillis(50), (cpu, rec) -> event(o, "perfbuf", s, cpu, rec)));
                }
                long end = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
                long nextMaps = every == null ? Long.MAX_VALUE : System.nanoTime() + every.toNanos();
                while (!stop.get() && System.nanoTime() < end) {
                    if (polls.isEmpty()) {
                        Thread.sleep(50);
                    }
                    polls.forEach(Runnable::run);
                    if (System.nanoTime() >= nextMaps) {
                        printMaps(o, obj);
                        nextMaps += every.toNanos();
                    }
                }
            } finally {
                for (AutoCloseable r : readers) {
                    r.close();
                }
            }
            printMaps(o, obj);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running and waits for us
            }
        }
    }

    private static void event(PrintWriter o, String kind, Stream s, int cpu, MemorySegment rec) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put(kind, s.map());
        if (cpu >= 0) {
            j.put("cpu", cpu);
        }
        if (s.codec().isPresent()) {
            j.put("data", new Json.Raw(s.codec().get().toJson(rec, 0)));
        } else {
            j.put("data", Json.hexBytes(rec.toArray(ValueLayout.JAVA_BYTE)));
        }
        o.println(Json.of(j));
        o.flush();
    }

    private static void lost(PrintWriter o, String map, int cpu, long n) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("perfbuf", map);
        j.put("cpu", cpu);
        j.put("lost", n);
        o.println(Json.of(j));
        o.flush();
    }

    private static void printMaps(PrintWriter o, BpfObject obj) {
        for (Map.Entry<String, BpfMap> e : obj.maps().entrySet()) {
            BpfMap m = e.getValue();
            MapType t = m.type();
            if (t == MapType.RINGBUF
                    || t == MapType.USER_RINGBUF
                    || t == MapType.PERF_EVENT_ARRAY
                    || t == MapType.PROG_ARRAY
                    || t.isMapInMap()
                    || m.keySize() == 0) {
                continue;
            }
            MapInfo info = m.info();
            Optional<MapCommand.Codecs> codecs = MapCommand.Codecs.of(info);
            List<Object> entries = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> kv : m.entries()) {
                entries.add(MapCommand.entry(info, kv.getKey(), kv.getValue(), codecs));
            }
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("map", e.getKey());
            j.put("entries", entries);
            o.println(Json.of(j));
        }
        o.flush();
    }
}
