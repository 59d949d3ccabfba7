package io.bpf4j.examples;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.ObjectTypes;
import io.bpf4j.TypedHashMap;
import io.bpf4j.codec.StructValue;
import io.bpf4j.ringbuf.RingBuffer;
import io.bpf4j.ringbuf.RingFanout;
import java.time.Duration;
import java.util.Map;

/**
 * yeet:bpf's full example with bpf4j's typed API, and no layout written by hand: the ring
 * buffer's records are decoded by naming their BTF struct ({@code exec_event}), the per-pid
 * counter is typed from its map's BTF and printed at exit, and the {@code .rodata} filter
 * {@code target_uid} is set by name before load.
 *
 * <pre>
 *   ./mvnw -q -Pexample -DskipTests verify -Dexample.main=io.bpf4j.examples.TypedExecSnoop
 *   ./mvnw -q -Pexample -DskipTests verify -Dexample.main=io.bpf4j.examples.TypedExecSnoop -Dexample.args="10 0"
 * </pre>
 * (arguments: seconds to run, and a uid to trace only)
 */
public final class TypedExecSnoop {
    private TypedExecSnoop() {}

    public static void main(String[] args) throws Exception {
        String[] a = args.length == 1 ? args[0].trim().split("\\s+") : args;
        Duration duration = Duration.ofSeconds(a.length > 0 && !a[0].isBlank() ? Long.parseLong(a[0]) : 10);
        ObjectSpec spec = ObjectSpec.readResource("bpf/typed_execsnoop.bpf.o");
        if (a.length > 1) {
            spec = spec.withConstant("target_uid", Long.parseLong(a[1]));
        }
        try (BpfObject obj = spec.load()) {
            obj.attachAll(); // the tracepoint attaches by its section name
            TypedHashMap<Object, Object> counts = TypedHashMap.of(obj.map("counts"));
            try (RingBuffer rb = RingBuffer.open(obj.map("events"));
                    RingFanout<Object> events = RingFanout.start(rb, ObjectTypes.struct(obj, "exec_event"), 8192)) {
                events.subscribe(
                        v -> {
                            StructValue e = (StructValue) v;
                            System.out.printf(
                                    "%s (pid %d) exec'd %s%n", e.get("comm"), e.getLong("pid"), e.get("filename"));
                        },
                        err -> System.err.println(err.getMessage()));
                for (String cmd : new String[] {"/bin/true", "/bin/uname"}) { // so an idle machine shows some
                    new ProcessBuilder(cmd)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor();
                }
                Thread.sleep(duration.toMillis());
            }
            System.out.println("execs per pid:");
            for (Map.Entry<Object, Object> e : counts.entries(256)) {
                System.out.println(e.getKey() + " " + e.getValue());
            }
        }
    }
}
