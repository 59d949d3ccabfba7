package io.bpf4j.examples;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.codec.Codecs;
import io.bpf4j.codec.RecordCodec;
import io.bpf4j.link.Link;
import io.bpf4j.link.Tracepoint;
import io.bpf4j.ringbuf.RingBuffer;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.time.Instant;

/**
 * Prints every exec on the machine: pid, parent pid, command and file name, from a tracepoint
 * program that sends events through a ring buffer.
 *
 * <pre>
 *   sudo ./mvnw -q -Pexample -DskipTests verify                         # 10 seconds
 *   sudo ./mvnw -q -Pexample -DskipTests verify -Dexample.args=60       # a minute
 * </pre>
 */
public final class ExecSnoop {
    /** struct event of execsnoop.bpf.c. */
    record Event(int pid, int ppid, String comm, String filename) {}

    private ExecSnoop() {}

    public static void main(String[] args) throws Exception {
        Duration duration =
                Duration.ofSeconds(args.length > 0 && !args[0].isBlank() ? Long.parseLong(args[0].trim()) : 10);
        RecordCodec<Event> codec = RecordCodec.builder(MethodHandles.lookup(), Event.class)
                .field("pid", Codecs.s32())
                .field("ppid", Codecs.s32())
                .field("comm", Codecs.string(16))
                .field("filename", Codecs.string(128))
                .build();
        try (BpfObject obj = ObjectSpec.readResource("bpf/execsnoop.bpf.o").load();
                Link link = Tracepoint.attach(obj.program("handle_exec"), "syscalls", "sys_enter_execve");
                RingBuffer events = RingBuffer.open(obj.map("events"))) {
            System.out.printf("tracing execs for %d s (%s)%n", duration.toSeconds(), link.description());
            System.out.printf("%-8s %-8s %-16s %s%n", "PID", "PPID", "COMM", "FILENAME");
            // A few execs of our own, so that even an idle machine shows events.
            for (String cmd : new String[] {"/bin/true", "/bin/uname"}) {
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor();
            }
            Instant end = Instant.now().plus(duration);
            long seen = 0;
            while (Instant.now().isBefore(end)) {
                seen += events.poll(
                        Duration.ofMillis(200),
                        codec,
                        e -> System.out.printf("%-8d %-8d %-16s %s%n", e.pid(), e.ppid(), e.comm(), e.filename()));
            }
            System.out.println(seen + " execs seen");
        }
    }
}
