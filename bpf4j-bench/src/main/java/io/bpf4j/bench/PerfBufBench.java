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
import io.bpf4j.codec.RecordCodec;
import io.bpf4j.internal.sys.Cpus;
import io.bpf4j.perf.PerfBuffer;
import java.lang.foreign.ValueLayout;
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
 * Perf buffer drain: an XDP program run N times through BPF_PROG_TEST_RUN writes N 48-byte
 * samples with bpf_perf_event_output into the running CPU's ring (32 MiB per CPU), then one
 * measured drain reads them. ns per sample; bpf4j-bench/c/perfbuf_bench.c does the same with
 * libbpf's perf_buffer__consume.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerfBufBench {
    static final int N = 200_000;

    private BpfMap map;
    private Program program;
    private PerfBuffer buffer;
    private RecordCodec<RingBufBench.Sample> scalars;

    @Setup(Level.Trial)
    public void setup() {
        map = BpfMap.create(MapSpec.builder(MapType.PERF_EVENT_ARRAY)
                .name("bench_pb")
                .keySize(4)
                .valueSize(4)
                .maxEntries(Cpus.possibleCount())
                .build());
        program = Program.load(ProgramSpec.builder("bench_perf", ProgramType.XDP)
                .instructions(emitter(map.fd()))
                .build());
        scalars = RingBufBench.sampleCodec();
        buffer = PerfBuffer.open(map, 8192, (cpu, n) -> {
            throw new IllegalStateException(n + " samples lost: the ring is too small for the benchmark");
        });
    }

    /** r6 = ctx; zero 48 bytes; seq = ktime; bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, fp-48, 48). */
    static List<Instruction> emitter(int mapFd) {
        List<Instruction> p = new ArrayList<>();
        p.add(Instruction.mov64Reg(Reg.R6, Reg.R1));
        for (int off = -48; off < 0; off += 8) {
            p.add(Instruction.storeImm(Opcodes.DW, Reg.FP, off, 0));
        }
        p.add(Instruction.call(Helpers.KTIME_GET_NS));
        p.add(Instruction.storeMem(Opcodes.DW, Reg.FP, -48, Reg.R0));
        p.add(Instruction.mov64Reg(Reg.R1, Reg.R6));
        p.add(Instruction.loadMapFd(Reg.R2, mapFd));
        p.add(Instruction.loadImm64(Reg.R3, 0xffff_ffffL));
        p.add(Instruction.mov64Reg(Reg.R4, Reg.FP));
        p.add(Instruction.alu64Imm(Opcodes.ADD, Reg.R4, -48));
        p.add(Instruction.mov64Imm(Reg.R5, 48));
        p.add(Instruction.call(Helpers.PERF_EVENT_OUTPUT));
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
        buffer.close();
        program.close();
        map.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int drain(Blackhole bh) {
        return buffer.consume((cpu, rec) -> bh.consume(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
    }

    /** Decoded into {@link RingBufBench.Sample}, fields used by the handler (see RingBufBench.drainDecoded). */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainPerfDecoded(Blackhole bh) {
        return buffer.consume((cpu, rec) -> {
            RingBufBench.Sample s = scalars.decode(rec, 0);
            bh.consume(s.seq() + s.kind() + s.cpu() + s.a() + s.b() + s.c() + s.d() + s.e());
        });
    }

    /** Decoded, each record object kept: one 64-byte allocation per sample. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int drainPerfDecodedKept(Blackhole bh) {
        return buffer.consume((cpu, rec) -> bh.consume(scalars.decode(rec, 0)));
    }
}
