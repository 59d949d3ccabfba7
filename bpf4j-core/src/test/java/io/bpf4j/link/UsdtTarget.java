package io.bpf4j.link;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The traced program of the USDT tests, built from src/test/usdt with gcc and {@code <sys/sdt.h>}
 * (Debian's systemtap-sdt-dev): {@code usdt_target} linked with {@code libusdt_lib.so} beside it.
 */
final class UsdtTarget {
    static final Path SOURCES = Path.of("src/test/usdt");

    final Path dir;
    final Path binary;
    final Path library;

    private UsdtTarget(Path dir) {
        this.dir = dir;
        this.binary = dir.resolve("usdt_target");
        this.library = dir.resolve("libusdt_lib.so");
    }

    /** Compiles the target and its library into {@code dir}. */
    static UsdtTarget build(Path dir) throws IOException, InterruptedException {
        UsdtTarget t = new UsdtTarget(dir);
        run(
                dir,
                "gcc",
                "-O2",
                "-g",
                "-fPIC",
                "-shared",
                "-o",
                t.library.toString(),
                SOURCES.resolve("usdt_lib.c").toAbsolutePath().toString());
        run(
                dir,
                "gcc",
                "-O2",
                "-g",
                "-o",
                t.binary.toString(),
                SOURCES.resolve("usdt_target.c").toAbsolutePath().toString(),
                SOURCES.resolve("usdt_sema.c").toAbsolutePath().toString(),
                "-L" + dir,
                "-lusdt_lib",
                "-Wl,-rpath,$ORIGIN");
        return t;
    }

    /** A running target: it printed "ready SEMAPHORE" and waits for {@link #go()}. */
    final class Run implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final int readySemaphore;

        Run() throws IOException {
            process = new ProcessBuilder(binary.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("ready ")) {
                throw new IOException("usdt_target did not start: " + line);
            }
            readySemaphore = Integer.parseInt(line.substring(6).trim());
        }

        int pid() {
            return (int) process.pid();
        }

        /** Fires every probe; returns {semaphore seen, gated probe fired (1/0)}. */
        int[] go() throws IOException, InterruptedException {
            OutputStream in = process.getOutputStream();
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            String line = out.readLine();
            if (line == null || !line.startsWith("done ")) {
                throw new IOException("usdt_target did not finish: " + line);
            }
            String[] f = line.split(" ");
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IOException("usdt_target did not exit");
            }
            return new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2])};
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    Run start() throws IOException {
        return new Run();
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(
                    String.join(" ", cmd) + " failed (is gcc installed, and systemtap-sdt-dev for "
                            + "<sys/sdt.h>? scripts/setup.sh installs both):\n" + output);
        }
        if (!Files.exists(dir)) {
            throw new IllegalStateException("no " + dir);
        }
    }
}
