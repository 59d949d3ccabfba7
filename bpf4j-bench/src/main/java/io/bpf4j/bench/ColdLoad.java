package io.bpf4j.bench;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import java.nio.file.Path;

/**
 * The cold start of a short-lived tool: reads, loads and closes one object in a fresh JVM and
 * exits. bench.sh times the whole process (with and without an AOT cache) against
 * {@code load_bench FILE NAME 0}, libbpf's process doing the same once. Prints to standard error
 * the first load's own time (read + load + close, inside the JVM) in ms.
 * Usage: {@code ColdLoad FILE.bpf.o}.
 */
public final class ColdLoad {
    private ColdLoad() {}

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        try (BpfObject obj = ObjectSpec.read(Path.of(args[0])).load()) {
            if (obj.programs().isEmpty()) {
                throw new IllegalStateException(args[0] + " has no programs");
            }
        }
        // Plain concatenation: printf would load locale data the process otherwise never needs.
        System.err.println("first load " + Math.round((System.nanoTime() - t0) / 1e5) / 10.0 + " ms");
    }
}
