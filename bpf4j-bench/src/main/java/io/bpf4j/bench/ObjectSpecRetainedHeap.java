package io.bpf4j.bench;

import io.bpf4j.ObjectSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The heap an {@link ObjectSpec} keeps: used heap after full GCs with the spec held, minus used
 * heap before it was read (the file's bytes are dropped first). Run with -XX:+UseSerialGC:
 * {@code java -XX:+UseSerialGC -cp ... io.bpf4j.bench.ObjectSpecRetainedHeap FILE.bpf.o}.
 */
public final class ObjectSpecRetainedHeap {
    private ObjectSpecRetainedHeap() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        ObjectSpec.read(Files.readAllBytes(file), file.toString()); // warm the classes
        long before = BtfRetainedHeap.usedAfterGc();
        ObjectSpec spec = ObjectSpec.read(Files.readAllBytes(file), file.toString());
        long retained = BtfRetainedHeap.usedAfterGc() - before;
        System.out.printf(
                "%s: %.1f KB file, %d programs, %d maps, retained %.1f MB%n",
                file.getFileName(),
                Files.size(file) / 1e3,
                spec.programs().size(),
                spec.maps().size(),
                retained / 1e6);
    }
}
