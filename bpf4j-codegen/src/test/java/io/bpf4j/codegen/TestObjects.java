package io.bpf4j.codegen;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** The tests' tools: clang for the BPF C, javac for the generated Java, a class loader for the result. */
final class TestObjects {
    static final Path MODULE =
            Path.of(System.getProperty("bpf4j.codegen.basedir", ".")).toAbsolutePath();
    static final Path BPF_SOURCES = MODULE.resolve("src/test/bpf");
    static final Path DRIVERS = MODULE.resolve("src/test/drivers");

    private TestObjects() {}

    /** Compiles src/test/bpf/NAME.bpf.c with clang's BPF target into {@code dir}; with or without debug info (BTF). */
    static Path compileBpf(String name, Path dir, boolean btf) throws IOException, InterruptedException {
        Path include = BpfHeaders.write(dir.resolve("include"));
        Path out = dir.resolve(name + (btf ? "" : ".nobtf") + ".bpf.o");
        List<String> cmd = new ArrayList<>(List.of(clang()));
        if (btf) {
            cmd.add("-g");
        }
        cmd.addAll(List.of(
                "-O2",
                "-target",
                "bpf",
                "-D__TARGET_ARCH_x86",
                "-I" + include.getParent(),
                "-I/usr/include/" + System.getProperty("os.arch").replace("amd64", "x86_64") + "-linux-gnu",
                "-c",
                BPF_SOURCES.resolve(name + ".bpf.c").toString(),
                "-o",
                out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + log);
        }
        return out;
    }

    /** clang as bpf4j-core's build.sh finds it (CI installs clang-16). */
    static String clang() {
        for (String c : List.of("clang-16", "clang", "clang-17", "clang-18", "clang-19", "clang-15", "clang-14")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, c))) {
                    return Path.of(dir, c).toString();
                }
            }
        }
        throw new AssertionError("no clang on PATH: install clang-16 (and libbpf-dev for the BPF headers)");
    }

    /** Compiles every .java under {@code sources} (and {@code extra} files) into {@code classes} against bpf4j-core. */
    static void compileJava(Path sources, List<Path> extra, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<Path> files = new ArrayList<>(extra);
        try (Stream<Path> s = Files.walk(sources)) {
            s.filter(f -> f.toString().endsWith(".java")).sorted().forEach(files::add);
        }
        Files.createDirectories(classes);
        String classPath = location(io.bpf4j.BpfObject.class);
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(
                            null,
                            fm,
                            diagnostics,
                            List.of("-Xlint:all", "-Werror", "-proc:none", "-cp", classPath, "-d", classes.toString()),
                            null,
                            fm.getJavaFileObjectsFromPaths(files))
                    .call();
            if (!ok) {
                StringBuilder msg = new StringBuilder("generated sources do not compile:\n");
                diagnostics.getDiagnostics().forEach(d -> msg.append(d).append('\n'));
                throw new AssertionError(msg.toString());
            }
        }
    }

    static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static URLClassLoader loader(Path classes) throws IOException {
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, TestObjects.class.getClassLoader());
    }
}
