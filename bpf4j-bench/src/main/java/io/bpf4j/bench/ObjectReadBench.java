package io.bpf4j.bench;

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
 * {@code ObjectSpec.read} of an object's bytes: ELF, BTF, maps, globals, externs, relocations,
 * and every program linked with its subprograms and annotated. {@code obj_large} is
 * {@code bpf4j-bench/bpf/obj_large.bpf.c} (300 programs, about 650 KB), built by
 * {@code bpf4j-bench/bpf/build.sh} into the same directory as the core tests' objects
 * ({@code -Dbpf4j.bpf.dir}, default {@code bpf4j-core/target/test-classes/bpf}).
 *
 * <pre>{@code
 * bash bpf4j-bench/bpf/build.sh bpf4j-core/target/test-classes/bpf
 * java -cp ... org.openjdk.jmh.Main ObjectReadBench -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ObjectReadBench {
    @Param({"load_core_exec", "obj_large"})
    public String object;

    private byte[] bytes;

    @Setup
    public void setup() throws Exception {
        Path dir = Path.of(System.getProperty("bpf4j.bpf.dir", "bpf4j-core/target/test-classes/bpf"));
        bytes = Files.readAllBytes(dir.resolve(object + ".bpf.o"));
    }

    @Benchmark
    public ObjectSpec read() {
        return ObjectSpec.read(bytes, object + ".bpf.o");
    }
}
