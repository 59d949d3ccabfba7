package io.bpf4j.bench;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.CHeaderWriter;
import io.bpf4j.btf.Type;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing the kernel's BTF ({@code /sys/kernel/btf/vmlinux}, read once into memory) and finding
 * {@code task_struct} in it; the C reference is {@code c/btf_parse.c} (libbpf's btf__new + btf__find_by_name_kind).
 * And writing the whole kernel BTF as a C header (vmlinux.h), against {@code bpftool btf dump file
 * /sys/kernel/btf/vmlinux format c} (bench.sh times that process).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BtfParseBench {
    private byte[] vmlinux;
    private Btf parsed;

    /** Reads the kernel's BTF once. */
    @Setup
    public void read() throws IOException {
        vmlinux = Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux"));
        parsed = Btf.parse(vmlinux);
    }

    /** Parse the whole blob and look up task_struct (first lookup builds the name index). */
    @Benchmark
    public int parseAndFindTaskStruct() {
        Btf btf = Btf.parse(vmlinux);
        return btf.findId("task_struct", Type.Struct.class).orElseThrow();
    }

    /** Name lookup alone, on an already indexed Btf. */
    @Benchmark
    public int findTaskStruct() {
        return parsed.findId("task_struct", Type.Struct.class).orElseThrow();
    }

    /** The kernel's whole BTF written as a C header (parsing included, as bpftool's process does). */
    @Benchmark
    public int dumpCHeader() {
        return CHeaderWriter.write(Btf.parse(vmlinux)).length();
    }
}
