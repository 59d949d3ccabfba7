package io.bpf4j.bench;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.ObjectTypes;
import io.bpf4j.Program;
import io.bpf4j.TestRunOptions;
import io.bpf4j.codec.BtfCodec;
import io.bpf4j.observability.BpfEvents;
import io.bpf4j.ringbuf.RecordDecoder;
import io.bpf4j.ringbuf.RingBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Ring records (typed_values.bpf.o's 32-byte struct exec_like, N per drain, emitted by
 * BPF_PROG_TEST_RUN before each drain) as JFR events: the decoded drain alone (the dynamic BTF
 * value), the drain committing one event per record while a recording takes them, and the same
 * drain when no recording wants the event type (decoding skipped).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObsJfrBench {
    static final int N = 200_000;

    private BpfObject obj;
    private Program emit;
    private RingBuffer ring;
    private BtfCodec dynamic;
    private BpfEvents recorded;
    private BpfEvents notRecorded;
    private Recording recording;

    @Setup(Level.Trial)
    public void setup() {
        Path dir = Path.of(System.getProperty("bpf4j.bpf.dir", "bpf4j-core/target/test-classes/bpf"));
        obj = ObjectSpec.read(dir.resolve("typed_values.bpf.o"))
                .withMaxEntries("events", 64 << 20)
                .load();
        emit = obj.program("emit");
        ring = RingBuffer.open(obj.map("events"));
        dynamic = ObjectTypes.struct(obj, "exec_like");
        recorded = BpfEvents.builder(dynamic).name("bpf4j.bench.exec_like").build();
        notRecorded = BpfEvents.builder(dynamic).name("bpf4j.bench.unrecorded").build();
        recording = new Recording();
        recording.enable("bpf4j.bench.exec_like").withoutStackTrace();
        recording.disable("bpf4j.bench.unrecorded");
        recording.setToDisk(true);
        recording.start();
    }

    @Setup(Level.Invocation)
    public void fill() {
        emit.testRun(TestRunOptions.data(new byte[64]).withRepeat(N));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        recording.close();
        ring.close();
        obj.close();
    }

    /** The decoded drain alone: each record decoded to its dynamic BTF value. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainDecoded(Blackhole bh) {
        return ring.consume(RecordDecoder.of(dynamic, bh::consume));
    }

    /** Each record decoded and committed as a JFR event that a running recording takes. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainJfrRecorded() {
        return ring.consume(recorded.ringHandler());
    }

    /** The same handler when no recording wants the event: no decoding, no commit. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainJfrNotRecorded() {
        return ring.consume(notRecorded.ringHandler());
    }
}
