package io.bpf4j.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The tests' view of the machine: capabilities, the compiled BPF object, skips that carry bpf4j's
 * feature-probe marker (the only skips CI's strict mode lets through), and real execs of a copy
 * of /bin/true whose comm is unique to the test ("bpf4jobs" + 7 random letters), which is what
 * obs_exec.bpf.c counts.
 */
final class TestKernel {
    /** The marker of io.bpf4j.testing.KernelFeature: a skip a probe decided. */
    static final String MARKER = "[feature probe]";

    private TestKernel() {}

    /** Skips unless the process may use BPF (CAP_SYS_ADMIN, or CAP_BPF + CAP_PERFMON), from CapEff. */
    static void assumePrivileged() {
        long caps = 0;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("CapEff:")) {
                    caps = Long.parseUnsignedLong(l.substring(7).trim(), 16);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean ok = (caps & (1L << 21)) != 0 || (caps & (1L << 39)) != 0 && (caps & (1L << 38)) != 0;
        long shown = caps;
        Assumptions.assumeTrue(
                ok,
                () -> "kernel tests need CAP_BPF + CAP_PERFMON or CAP_SYS_ADMIN (run as root);" + " CapEff is 0x"
                        + Long.toHexString(shown));
    }

    /** Skips, with the probe marker, when {@code probe} says the machine lacks {@code feature}. */
    static void assumeFeature(boolean probe, String feature, String reason) {
        Assumptions.assumeTrue(probe, () -> MARKER + " this machine lacks " + feature + ": " + reason);
    }

    static Path bpfObject(String name) {
        Path p = Path.of(System.getProperty("bpf4j.test.bpf.dir", "target/test-classes/bpf"), name + ".bpf.o");
        if (!Files.exists(p)) {
            throw new IllegalStateException(
                    "missing compiled BPF test object " + p + " (src/test/bpf/build.sh; clang?)");
        }
        return p;
    }

    /** A copy of /bin/true named bpf4jobs + 7 random letters, in a temp dir deleted by {@link #close}. */
    static final class Exe implements AutoCloseable {
        final Path dir;
        final Path file;
        final String comm;

        Exe() throws IOException {
            StringBuilder sb = new StringBuilder("bpf4jobs");
            for (int i = 0; i < 7; i++) {
                sb.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
            }
            comm = sb.toString();
            dir = Files.createTempDirectory("bpf4j-obs");
            file = dir.resolve(comm);
            Files.copy(Path.of("/bin/true"), file, StandardCopyOption.COPY_ATTRIBUTES);
        }

        /** Runs the copy {@code n} times, one after the other; the pids, in order. */
        List<Long> run(int n) throws IOException, InterruptedException {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Process p = new ProcessBuilder(file.toString()).start();
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException(file + " did not exit 0 in 10 s");
                }
                pids.add(p.pid());
            }
            return pids;
        }

        @Override
        public void close() throws IOException {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
