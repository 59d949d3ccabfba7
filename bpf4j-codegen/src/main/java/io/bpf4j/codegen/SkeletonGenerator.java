package io.bpf4j.codegen;

import io.bpf4j.ObjectFormatException;
import io.bpf4j.ObjectSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Generates Java from a BPF object's BTF: a record for every struct its maps, ring buffers and
 * globals use, a Java enum for every C enum among them, and a typed skeleton class that loads the
 * object from the class path and hands out typed maps, programs and global data.
 *
 * <pre>{@code
 * List<Path> written = SkeletonGenerator.generate(Path.of("target/bpf/execsnoop.bpf.o"),
 *         GeneratorOptions.of("com.example.bpf", "bpf/execsnoop.bpf.o"),
 *         Path.of("target/generated-sources/bpf4j"));
 * }</pre>
 *
 * The output depends only on the object and the options: the same object gives the same bytes.
 */
public final class SkeletonGenerator {
    private SkeletonGenerator() {}

    /**
     * Writes the Java sources for one object under {@code outputDirectory} (in package
     * directories); returns the files written, sorted.
     *
     * @throws GeneratorException when the object cannot be turned into Java (no BTF, an unknown
     *         record type, a malformed object); nothing is written then
     * @throws IOException when the object cannot be read or a source cannot be written
     */
    public static List<Path> generate(Path objectFile, GeneratorOptions options, Path outputDirectory)
            throws IOException {
        Objects.requireNonNull(objectFile, "objectFile");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        Map<String, String> sources = sources(objectFile, options);
        Path dir = options.packageName().isEmpty()
                ? outputDirectory
                : outputDirectory.resolve(options.packageName().replace('.', '/'));
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".java");
            byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
            // Rewrite only what changed: an unchanged source keeps its time stamp for incremental builds.
            if (!Files.exists(file) || !java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
                Files.write(file, bytes);
            }
            written.add(file);
        }
        written.sort(null);
        return List.copyOf(written);
    }

    /**
     * The sources {@link #generate} writes, in memory: simple class name → Java source, sorted by
     * name. For tools that write elsewhere (an annotation processor's Filer, a test compiler).
     *
     * @throws GeneratorException when the object cannot be turned into Java
     * @throws IOException when the object cannot be read
     */
    public static Map<String, String> sources(Path objectFile, GeneratorOptions options) throws IOException {
        String name = objectFile.toString();
        ObjectSpec spec;
        try {
            spec = ObjectSpec.read(
                    Files.readAllBytes(objectFile), objectFile.getFileName().toString());
        } catch (ObjectFormatException e) {
            throw new GeneratorException(name, null, "not a BPF object bpf4j can read: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Generation(name, spec, options).sources();
    }
}
