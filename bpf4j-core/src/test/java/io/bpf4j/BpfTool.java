package io.bpf4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * libbpf as a reference, through {@code bpftool prog loadall}: which programs of an object the
 * kernel accepts when libbpf loads it. Only a comparison for tests; bpf4j never runs bpftool.
 */
final class BpfTool {
    private BpfTool() {}

    /** What libbpf made of an object: the programs it pinned, or its error output. */
    record Outcome(boolean loaded, TreeSet<String> programs, String output) {}

    /** The bpftool binary, when installed. */
    static Optional<Path> find() {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, "bpftool");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Loads every program of {@code object} with bpftool, pinned under a fresh directory of
     * {@code bpffs} that is removed again (with the pins) before returning.
     */
    static Outcome loadAll(Path bpftool, Path object, Path bpffs, String uniqueName)
            throws IOException, InterruptedException {
        Path dir = bpffs.resolve(uniqueName);
        try {
            Process p = new ProcessBuilder(bpftool.toString(), "prog", "loadall", object.toString(), dir.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("bpftool prog loadall " + object + " did not finish");
            }
            TreeSet<String> progs = new TreeSet<>();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.forEach(f -> progs.add(f.getFileName().toString()));
                }
            }
            return new Outcome(p.exitValue() == 0, progs, out);
        } finally {
            removeTree(dir);
        }
    }

    static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
