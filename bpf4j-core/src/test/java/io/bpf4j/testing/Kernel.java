package io.bpf4j.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Test helpers about the machine: root, bpffs, tracefs, compiled test objects. */
public final class Kernel {
    private Kernel() {}

    /**
     * Aborts the test unless the process has the capabilities kernel tests need, read from its
     * effective capabilities (see {@link KernelFeature#assumePrivileged()}), not from a user name.
     */
    public static void assumeRoot() {
        KernelFeature.assumePrivileged();
    }

    /** The compiled BPF test object NAME.bpf.o from src/test/bpf. */
    public static Path bpfObject(String name) {
        String dir = System.getProperty("bpf4j.test.bpf.dir", "target/test-classes/bpf");
        Path p = Path.of(dir, name.endsWith(".o") ? name : name + ".bpf.o");
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing compiled BPF test object " + p
                    + " (src/test/bpf/build.sh compiles them; is clang installed?)");
        }
        return p;
    }

    /** The bpffs mount used by tests; aborts when none is mounted. */
    public static Path bpffs() {
        Path p = Path.of("/sys/fs/bpf");
        Assumptions.assumeTrue(isBpffs(p), "no bpffs mounted at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)");
        return p;
    }

    private static boolean isBpffs(Path p) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .anyMatch(l -> l.split(" ").length > 2
                            && l.split(" ")[1].equals(p.toString())
                            && l.split(" ")[2].equals("bpf"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
