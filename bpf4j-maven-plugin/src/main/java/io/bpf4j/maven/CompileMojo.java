package io.bpf4j.maven;

import io.bpf4j.codegen.BpfHeaders;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles every {@code src/main/bpf/**}{@code /*.bpf.c} with clang's BPF target into a class-path
 * resource {@code target/classes/bpf/**}{@code /*.bpf.o}, ready for {@code ObjectSpec.readResource}.
 *
 * <p>Each program is compiled with {@code -g -O2 -target bpf -D__TARGET_ARCH_<arch>} and the include
 * path: the source directory, the configured include directories, the generated directory that
 * holds {@code bpf4j.h} (for {@code BPF4J_RECORD}) and {@code vmlinux.h} (written by bpf4j's {@code CHeaderWriter} from the build machine's kernel
 * BTF, a configured BTF file, or copied from a header checked into the project), and the Debian
 * multiarch directory for {@code <asm/types.h>}; then the configured {@code compilerArgs}.
 *
 * <p>Incremental: an object is rebuilt only when it is missing, when its source or any file it
 * included (from clang's {@code -MD} dependency file) is newer than it, or when the compile
 * configuration (clang, its version, the flags) changed. Objects of deleted sources are removed.
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>io.bpf4j</groupId>
 *   <artifactId>bpf4j-maven-plugin</artifactId>
 *   <executions>
 *     <execution>
 *       <goals><goal>compile</goal><goal>generate</goal></goals>
 *     </execution>
 *   </executions>
 * </plugin>
 * }</pre>
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class CompileMojo extends AbstractMojo {
    /** Where the BPF C programs are: every {@code *.bpf.c} below it is compiled. */
    @Parameter(property = "bpf4j.sourceDirectory", defaultValue = "${project.basedir}/src/main/bpf")
    private File sourceDirectory;

    /** The class output directory the objects are written below (as class-path resources). */
    @Parameter(defaultValue = "${project.build.outputDirectory}", required = true)
    private File outputDirectory;

    /** The resource directory of the objects inside the output directory: {@code bpf/x.bpf.o}. */
    @Parameter(property = "bpf4j.resourceDirectory", defaultValue = "bpf")
    private String resourceDirectory;

    /** The clang to run: a path, or a name looked up in PATH. Default: clang-16, then clang, then other versions, from PATH. */
    @Parameter(property = "bpf4j.clang")
    private String clang;

    /** The target architecture for {@code __TARGET_ARCH_*} (x86, arm64, ... or a JVM os.arch). Default: the build machine's. */
    @Parameter(property = "bpf4j.targetArch")
    private String targetArch;

    /** More include directories, searched after the source directory. */
    @Parameter
    private List<File> includeDirectories;

    /** More clang arguments, after bpf4j's own ({@code -O1}, {@code -DFOO=1}, {@code -Wall}, ...). */
    @Parameter
    private List<String> compilerArgs;

    /**
     * A {@code vmlinux.h} checked into the project, used as is instead of one written from BTF (for
     * builds that must not depend on the build machine's kernel).
     */
    @Parameter(property = "bpf4j.vmlinuxHeader")
    private File vmlinuxHeader;

    /** A raw BTF file to write {@code vmlinux.h} from. Default: {@code /sys/kernel/btf/vmlinux}. */
    @Parameter(property = "bpf4j.btfFile")
    private File btfFile;

    /** bpf4j's working directory: the generated include directory, dependency files and compile state. */
    @Parameter(defaultValue = "${project.build.directory}/bpf4j", readonly = true)
    private File workDirectory;

    @Parameter(defaultValue = "${project.basedir}", readonly = true)
    private File basedir;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    private PluginDescriptor plugin;

    /** Skips compiling. */
    @Parameter(property = "bpf4j.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("bpf4j: compile skipped");
            return;
        }
        try {
            compileAll();
        } catch (IOException e) {
            throw new MojoExecutionException("bpf4j: " + e, e);
        }
    }

    private void compileAll() throws IOException, MojoFailureException {
        Path src = sourceDirectory.toPath().toAbsolutePath();
        Path work = workDirectory.toPath().toAbsolutePath();
        Path out = outputDirectory.toPath().toAbsolutePath();
        Path stateFile = work.resolve("compile-state.properties");
        Properties state = load(stateFile);
        List<BpfSource> sources = BpfSource.scan(src);
        removeStale(sources, state, out, work);
        if (sources.isEmpty()) {
            getLog().info("bpf4j: no *.bpf.c in " + src + ", nothing to compile");
            store(state, stateFile);
            return;
        }
        Clang cc = Clang.find(Optional.ofNullable(clang).filter(s -> !s.isBlank()), System.getenv("PATH"));
        TargetArch arch;
        try {
            arch = TargetArch.of(
                    targetArch == null || targetArch.isBlank() ? System.getProperty("os.arch") : targetArch);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        Path include = work.resolve("include");
        String version = plugin == null ? "dev" : plugin.getVersion();
        BpfHeaders.write(include); // #include "bpf4j.h" for BPF4J_RECORD(map, type)
        boolean wanted = vmlinuxHeader != null || btfFile != null || mentionsVmlinux(src);
        Optional<Path> vmlinux = !wanted
                ? Optional.empty()
                : VmlinuxHeader.prepare(
                        Optional.ofNullable(vmlinuxHeader).map(File::toPath),
                        Optional.ofNullable(btfFile).map(File::toPath),
                        include,
                        version,
                        getLog());

        List<String> flags = new ArrayList<>(List.of("-g", "-O2", "-target", "bpf", arch.define(), "-I" + src));
        if (includeDirectories != null) {
            for (File dir : includeDirectories) {
                flags.add("-I" + dir.toPath().toAbsolutePath());
            }
        }
        // generated headers as system headers: clang's warnings about vmlinux.h's kernel types are not the user's
        flags.add("-isystem");
        flags.add(include.toString());
        Path multiarch = Path.of("/usr/include", hostMultiarch(arch));
        if (Files.isDirectory(multiarch)) {
            flags.add("-I" + multiarch);
        }
        // objects do not carry the build directory's path (reproducible across checkouts)
        flags.add("-fdebug-prefix-map=" + basedir.toPath().toAbsolutePath() + "=.");
        if (compilerArgs != null) {
            flags.addAll(compilerArgs);
        }
        String fingerprint = VmlinuxHeader.sha256(
                String.join("\n", cc.executable().toString(), cc.version(), version, String.join("\u0000", flags))
                        .getBytes(StandardCharsets.UTF_8));

        int compiled = 0;
        for (BpfSource s : sources) {
            Path obj = s.object(out, resourceDirectory);
            Path dep = work.resolve("deps").resolve(s.objectRelative() + ".d");
            Optional<String> why = staleness(obj, dep, fingerprint.equals(state.getProperty(s.relative())));
            if (why.isEmpty()) {
                getLog().debug("bpf4j: " + s.relative() + " is up to date");
                continue;
            }
            getLog().info("bpf4j: compiling " + s.relative() + " -> " + s.resourceName(resourceDirectory) + " ("
                    + why.get() + ")");
            state.remove(s.relative());
            compile(cc, flags, s, obj, dep, vmlinux.isEmpty());
            state.setProperty(s.relative(), fingerprint);
            store(state, stateFile); // after each success, so a later failure keeps what was done
            compiled++;
        }
        store(state, stateFile);
        if (compiled == 0) {
            getLog().info("bpf4j: nothing to compile, all " + sources.size() + " BPF object(s) up to date");
        } else {
            getLog().info("bpf4j: compiled " + compiled + " BPF object(s) with "
                    + cc.executable().getFileName() + ", " + (sources.size() - compiled) + " up to date");
        }
    }

    private static String hostMultiarch(TargetArch target) {
        try {
            return TargetArch.of(System.getProperty("os.arch")).multiarch();
        } catch (IllegalArgumentException e) {
            return target.multiarch();
        }
    }

    /**
     * Whether a file below the source directory or a configured include directory names
     * {@code vmlinux.h}: only then is it written (dumping the kernel's BTF takes seconds).
     */
    private boolean mentionsVmlinux(Path src) throws IOException {
        List<Path> dirs = new ArrayList<>(List.of(src));
        if (includeDirectories != null) {
            includeDirectories.forEach(d -> dirs.add(d.toPath()));
        }
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files;
            try (var walk = Files.walk(dir)) {
                files = walk.filter(p -> Files.isRegularFile(p)
                                && (p.toString().endsWith(".c") || p.toString().endsWith(".h")))
                        .toList();
            }
            for (Path f : files) {
                if (!f.getFileName().toString().equals(VmlinuxHeader.NAME)
                        && new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
                                .contains(VmlinuxHeader.NAME)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Why a source must be compiled again into {@code obj}, or empty when the object is up to date. */
    private Optional<String> staleness(Path obj, Path dep, boolean sameConfig) throws IOException {
        if (!Files.isRegularFile(obj)) {
            return Optional.of("no object yet");
        }
        if (!sameConfig) {
            return Optional.of("compile configuration changed");
        }
        if (!Files.isRegularFile(dep)) {
            return Optional.of("no dependency file");
        }
        FileTime built = Files.getLastModifiedTime(obj);
        for (Path d : DepFile.read(dep, basedir.toPath())) {
            try {
                if (Files.getLastModifiedTime(d).compareTo(built) > 0) {
                    return Optional.of(d.getFileName() + " changed");
                }
            } catch (NoSuchFileException e) {
                return Optional.of(d + " is gone");
            }
        }
        return Optional.empty();
    }

    private void compile(Clang cc, List<String> flags, BpfSource s, Path obj, Path dep, boolean noVmlinux)
            throws IOException, MojoFailureException {
        Files.createDirectories(obj.getParent());
        Files.createDirectories(dep.getParent());
        Path tmp = obj.resolveSibling(obj.getFileName() + ".tmp");
        List<String> cmd = new ArrayList<>();
        cmd.add(cc.executable().toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("-MD", "-MF", dep.toString(), "-c", s.source().toString(), "-o", tmp.toString()));
        getLog().debug("bpf4j: " + String.join(" ", cmd));
        Clang.Result r = Clang.run(cmd, basedir.toPath());
        if (r.exitCode() != 0) {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(obj);
            Files.deleteIfExists(dep);
            String hint = noVmlinux && r.output().contains("'vmlinux.h' file not found")
                    ? "\n(no vmlinux.h was written: the kernel of this machine has no BTF, or no file below <sourceDirectory>"
                            + " or <includeDirectories> names it; set <btfFile> or <vmlinuxHeader>)"
                    : r.output().contains("bpf/bpf_helpers.h")
                            ? "\n(libbpf's headers are missing: apt install libbpf-dev)"
                            : "";
            throw new MojoFailureException("bpf4j: clang failed on " + s.source() + " (exit " + r.exitCode() + "):\n"
                    + r.output().stripTrailing() + hint);
        }
        if (!r.output().isBlank()) {
            r.output().lines().forEach(l -> getLog().warn(l));
        }
        Files.move(tmp, obj, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the objects and dependency files of sources compiled before that no longer exist. */
    private void removeStale(List<BpfSource> sources, Properties state, Path out, Path work) throws IOException {
        Set<String> present = new HashSet<>();
        sources.forEach(s -> present.add(s.relative()));
        for (String rel : new ArrayList<>(state.stringPropertyNames())) {
            if (!present.contains(rel)) {
                BpfSource gone = new BpfSource(Path.of(rel), rel);
                Files.deleteIfExists(gone.object(out, resourceDirectory));
                Files.deleteIfExists(work.resolve("deps").resolve(gone.objectRelative() + ".d"));
                state.remove(rel);
                getLog().info("bpf4j: removed " + gone.resourceName(resourceDirectory) + " (" + rel + " is gone)");
            }
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return p;
    }

    private static void store(Properties p, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder(
                "# bpf4j-maven-plugin: source -> fingerprint of the configuration it was compiled with\n");
        new TreeMap<>(p).forEach((k, v) -> sb.append(escape(k.toString()))
                .append('=')
                .append(escape(v.toString()))
                .append('\n'));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(sb.toString());
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("=", "\\=").replace(":", "\\:").replace(" ", "\\ ");
    }
}
