package io.bpf4j.bench;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Open + load + close of a CO-RE object from its bytes (ELF read, CO-RE against the kernel's BTF,
 * maps created, programs verified), warm. bpf4j-bench/c/load_bench.c does the same with libbpf's
 * bpf_object__open_mem + load + close. The objects are the core tests' compiled BPF programs
 * ({@code -Dbpf4j.bpf.dir}, default {@code bpf4j-core/target/test-classes/bpf}). Sampled times: bench.sh
 * compares the median, which a load the scheduler preempted on a shared machine does not move.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LoadBench {
    @Param({"load_tc", "load_core_exec", "load_core_values", "load_probes"})
    public String object;

    private byte[] bytes;

    @Setup
    public void read() throws Exception {
        Path dir = Path.of(System.getProperty("bpf4j.bpf.dir", "bpf4j-core/target/test-classes/bpf"));
        bytes = Files.readAllBytes(dir.resolve(object + ".bpf.o"));
    }

    @Benchmark
    public int openLoadClose() {
        try (BpfObject obj = ObjectSpec.read(bytes, object).load()) {
            return obj.programs().size();
        }
    }
}
