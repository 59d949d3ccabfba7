package io.bpf4j.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.MojoFailureException;

/**
 * The clang that compiles a project's BPF C: the configured one, or the first of the names
 * bpf4j's own build looks for in {@code PATH} (clang-16 first, the version bpf4j is tested with).
 */
record Clang(Path executable, String version) {
    /** Searched in PATH, in this order, when no clang is configured. */
    static final List<String> NAMES =
            List.of("clang-16", "clang", "clang-17", "clang-18", "clang-19", "clang-20", "clang-15", "clang-14");

    static final String INSTALL_HINT =
            "install it with 'apt install clang-16 libbpf-dev' (or set <clang> / -Dbpf4j.clang to a clang's path)";

    /**
     * Finds clang and asks it for its version.
     *
     * @param configured the {@code <clang>} parameter: a path, or a name looked up in PATH; empty to search {@link #NAMES}
     * @throws MojoFailureException naming what was looked for and what to install
     */
    static Clang find(Optional<String> configured, String path) throws MojoFailureException {
        Path exe;
        if (configured.isPresent()) {
            String c = configured.get();
            Optional<Path> found = c.contains(File.separator) ? executable(Path.of(c)) : inPath(c, path);
            exe = found.orElseThrow(() -> new MojoFailureException("bpf4j: clang '" + c + "' (from <clang>) "
                    + (c.contains(File.separator) ? "does not exist or is not executable" : "is not in PATH")
                    + ": " + INSTALL_HINT));
        } else {
            exe = NAMES.stream()
                    .map(n -> inPath(n, path))
                    .flatMap(Optional::stream)
                    .findFirst()
                    .orElseThrow(() -> new MojoFailureException("bpf4j: no clang found in PATH (looked for "
                            + String.join(", ", NAMES) + "): " + INSTALL_HINT));
        }
        Result r;
        try {
            r = run(List.of(exe.toString(), "--version"), null);
        } catch (IOException e) {
            throw new MojoFailureException(
                    "bpf4j: clang " + exe + " cannot be run (" + e.getMessage() + "): " + INSTALL_HINT, e);
        }
        if (r.exitCode() != 0) {
            throw new MojoFailureException("bpf4j: '" + exe + " --version' failed (exit " + r.exitCode() + "): "
                    + r.output().strip() + "\n" + INSTALL_HINT);
        }
        String version = r.output().lines().findFirst().orElse("").strip();
        return new Clang(exe, version);
    }

    private static Optional<Path> inPath(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Optional<Path> p = executable(Path.of(dir, name));
                if (p.isPresent()) {
                    return p;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
    }

    /** What a process printed (stdout and stderr merged, in order) and how it exited. */
    record Result(int exitCode, String output) {}

    /** Runs a command to its end, in {@code dir} (null: the current directory). */
    static Result run(List<String> command, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return new Result(p.waitFor(), out);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + command.get(0) + " ran", e);
        }
    }
}
