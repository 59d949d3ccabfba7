package io.bpf4j.bench;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.ObjectTypes;
import io.bpf4j.Program;
import io.bpf4j.TestRunOptions;
import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.Codecs;
import io.bpf4j.codec.RecordCodec;
import io.bpf4j.ringbuf.RecordDecoder;
import io.bpf4j.ringbuf.RingBuffer;
import java.lang.invoke.MethodHandles;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
 * Decoded ring drain of typed_values.bpf.o's struct exec_like records (32 bytes: u32 pid, u32 uid,
 * char comm[16], u64 seq), N per drain, the ring grown to 64 MiB before load: a hand-laid
 * {@link RecordCodec} against a record bound to the struct by BTF (the target: within
 * 1.2x) and the dynamic value, each through the size-checking {@link RecordDecoder}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TypedDrainBench {
    static final int N = 500_000;

    /** struct exec_like. */
    public record ExecLike(long pid, long uid, String comm, long seq) {}

    private BpfObject obj;
    private Program emit;
    private RingBuffer ring;
    private RecordCodec<ExecLike> hand;
    private RecordCodec<ExecLike> bound;
    private BtfCodec dynamic;

    @Setup(Level.Trial)
    public void setup() {
        Path dir = Path.of(System.getProperty("bpf4j.bpf.dir", "bpf4j-core/target/test-classes/bpf"));
        obj = ObjectSpec.read(dir.resolve("typed_values.bpf.o"))
                .withMaxEntries("events", 64 << 20)
                .load();
        emit = obj.program("emit");
        ring = RingBuffer.open(obj.map("events"));
        hand = RecordCodec.builder(MethodHandles.lookup(), ExecLike.class)
                .field("pid", Codecs.u32())
                .field("uid", Codecs.u32())
                .field("comm", Codecs.string(16))
                .field("seq", Codecs.s64())
                .build();
        bound = ObjectTypes.bind(obj, MethodHandles.lookup(), ExecLike.class, "exec_like");
        dynamic = ObjectTypes.struct(obj, "exec_like");
    }

    @Setup(Level.Invocation)
    public void fill() {
        emit.testRun(TestRunOptions.data(new byte[64]).withRepeat(N));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
        obj.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int drainHand(Blackhole bh) {
        return ring.consume(RecordDecoder.of(hand, bh::consume));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int drainBtfBound(Blackhole bh) {
        return ring.consume(RecordDecoder.of(bound, bh::consume));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int drainDynamic(Blackhole bh) {
        return ring.consume(RecordDecoder.of(dynamic, bh::consume));
    }
}
