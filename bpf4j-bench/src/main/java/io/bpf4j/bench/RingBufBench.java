package io.bpf4j.bench;

import io.bpf4j.BpfMap;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.TestRunOptions;
import io.bpf4j.asm.Helpers;
import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.asm.Reg;
import io.bpf4j.codec.Codecs;
import io.bpf4j.codec.RecordCodec;
import io.bpf4j.ringbuf.RingBuffer;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
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
 * Ring buffer drain: an XDP program run N times through BPF_PROG_TEST_RUN fills a 64 MiB ring
 * with N 48-byte records before each measured drain. Scores are ns per record (raw: a
 * MemorySegment view per record; decoded: a Java record per record). bpf4j-bench/c/ringbuf_bench.c
 * drains the same way with libbpf's ring_buffer__consume.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingBufBench {
    static final int N = 1_000_000;

    /** The record the program writes: u64 seq, u32 kind, 36 bytes of payload. */
    public record Event(long seq, int kind, byte[] payload) {}

    /** The same 48 bytes read as scalars: u64 seq, u32 kind, u32 cpu, u64 a, u64 b, u64 c, u32 d, u32 e. */
    public record Sample(long seq, int kind, int cpu, long a, long b, long c, int d, int e) {}

    private RecordCodec<Sample> scalars;
    private BpfMap map;
    private Program program;
    private RingBuffer ring;
    private RecordCodec<Event> codec;

    @Setup(Level.Trial)
    public void setup() {
        map = BpfMap.create(MapSpec.builder(MapType.RINGBUF)
                .name("bench_rb")
                .maxEntries(64 << 20)
                .build());
        program = Program.load(ProgramSpec.builder("bench_emit", ProgramType.XDP)
                .instructions(emitter(map.fd()))
                .build());
        ring = RingBuffer.open(map);
        codec = RecordCodec.builder(MethodHandles.lookup(), Event.class)
                .field("seq", Codecs.s64())
                .field("kind", Codecs.s32())
                .field("payload", Codecs.bytes(36))
                .build();
        scalars = sampleCodec();
    }

    static RecordCodec<Sample> sampleCodec() {
        return RecordCodec.builder(MethodHandles.lookup(), Sample.class)
                .field("seq", Codecs.s64())
                .field("kind", Codecs.s32())
                .field("cpu", Codecs.s32())
                .field("a", Codecs.s64())
                .field("b", Codecs.s64())
                .field("c", Codecs.s64())
                .field("d", Codecs.s32())
                .field("e", Codecs.s32())
                .build();
    }

    /** r1..r4 = map, fp-48, 48, 0; call bpf_ringbuf_output; return XDP_PASS. The record holds the run's index in seq. */
    static List<Instruction> emitter(int mapFd) {
        List<Instruction> p = new ArrayList<>();
        for (int off = -48; off < 0; off += 8) {
            p.add(Instruction.storeImm(Opcodes.DW, Reg.FP, off, 0));
        }
        p.add(Instruction.call(Helpers.KTIME_GET_NS));
        p.add(Instruction.storeMem(Opcodes.DW, Reg.FP, -48, Reg.R0));
        p.add(Instruction.storeImm(Opcodes.W, Reg.FP, -40, 1));
        p.add(Instruction.loadMapFd(Reg.R1, mapFd));
        p.add(Instruction.mov64Reg(Reg.R2, Reg.FP));
        p.add(Instruction.alu64Imm(Opcodes.ADD, Reg.R2, -48));
        p.add(Instruction.mov64Imm(Reg.R3, 48));
        p.add(Instruction.mov64Imm(Reg.R4, 0));
        p.add(Instruction.call(Helpers.RINGBUF_OUTPUT));
        p.add(Instruction.mov64Imm(Reg.R0, 2));
        p.add(Instruction.exit());
        return p;
    }

    @Setup(Level.Invocation)
    public void fill() {
        program.testRun(TestRunOptions.data(new byte[64]).withRepeat(N));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
        program.close();
        map.close();
    }

    /** Raw: the handler reads the record's first 8 bytes through the zero-copy view. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainRaw(Blackhole bh) {
        return ring.consume(rec -> bh.consume(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
    }

    /**
     * Decoded: the handler gets each record as a {@link Sample} and uses its fields, the same shape
     * as the raw row (which uses a value read from its per-record view). The JIT inlines the
     * codec's hidden class into the drain, so the record, like the raw view, is never allocated.
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainDecoded(Blackhole bh) {
        return ring.consume(rec -> {
            Sample s = scalars.decode(rec, 0);
            bh.consume(s.seq() + s.kind() + s.cpu() + s.a() + s.b() + s.c() + s.d() + s.e());
        });
    }

    /** The floor for the row above: the same 8 fields read and used by hand-written Java, no codec. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainHandwritten(Blackhole bh) {
        return ring.consume(rec -> bh.consume(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)
                + rec.get(ValueLayout.JAVA_INT_UNALIGNED, 8)
                + rec.get(ValueLayout.JAVA_INT_UNALIGNED, 12)
                + rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 16)
                + rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 24)
                + rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 32)
                + rec.get(ValueLayout.JAVA_INT_UNALIGNED, 40)
                + rec.get(ValueLayout.JAVA_INT_UNALIGNED, 44)));
    }

    /** Decoded, and each record object is kept (handed away as a whole): one 64-byte allocation per record. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainDecodedKept(Blackhole bh) {
        return ring.consume(rec -> bh.consume(scalars.decode(rec, 0)));
    }

    /** Decoded into a record holding a byte[36] copy of the payload, kept: two allocations per record. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainDecodedArrayKept(Blackhole bh) {
        return ring.consume(rec -> bh.consume(codec.decode(rec, 0)));
    }

    /** The floor for the row above: the same record made by hand-written Java, no codec. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainHandwrittenArrayKept(Blackhole bh) {
        return ring.consume(rec -> {
            byte[] b = new byte[36];
            java.lang.foreign.MemorySegment.copy(rec, ValueLayout.JAVA_BYTE, 12, b, 0, 36);
            bh.consume(new Event(
                    rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0), rec.get(ValueLayout.JAVA_INT_UNALIGNED, 8), b));
        });
    }
}
