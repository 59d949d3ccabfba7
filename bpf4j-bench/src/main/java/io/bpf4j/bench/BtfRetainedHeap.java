package io.bpf4j.bench;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.CHeaderWriter;
import io.bpf4j.btf.Type;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The heap a parsed kernel BTF keeps: used heap after full GCs with the {@link Btf} held, minus
 * used heap before it was parsed (the input bytes are dropped first). Printed twice: right after
 * parsing (the record bytes, strings and offset index), and after every type has been decoded
 * (what a C header dump or a full walk leaves behind). Run with -XX:+UseSerialGC for stable
 * figures: {@code java -XX:+UseSerialGC -cp ... io.bpf4j.bench.BtfRetainedHeap}.
 */
public final class BtfRetainedHeap {
    private BtfRetainedHeap() {}

    /** Used heap after full GCs (the least of five), for retained-size measurements. */
    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of("/sys/kernel/btf/vmlinux");
        long fileSize = Files.size(file);
        // Warm the classes involved on a throwaway parse so their metadata is not counted below.
        CHeaderWriter.write(Btf.parse(Files.readAllBytes(file)));
        long before = usedAfterGc();
        Btf btf = Btf.parse(Files.readAllBytes(file));
        long parsed = usedAfterGc() - before;
        int sink = 0;
        for (int id = 1; id < btf.typeCount(); id++) {
            sink += btf.type(id) instanceof Type.Struct ? 1 : 0;
        }
        var _ = btf.findId("task_struct", Type.Struct.class).orElseThrow();
        for (int i = 0; i < 3; i++) {
            btf.idsByName("task_struct"); // past the scans: the name index is built
        }
        long decoded = usedAfterGc() - before;
        System.out.printf("retainedParsed %.1f%n", parsed / 1e6);
        System.out.printf("retainedDecoded %.1f%n", decoded / 1e6);
        System.out.printf("fileSize %.1f%n", fileSize / 1e6);
        System.out.printf("types %d structs %d%n", btf.typeCount() - 1, sink);
    }
}
