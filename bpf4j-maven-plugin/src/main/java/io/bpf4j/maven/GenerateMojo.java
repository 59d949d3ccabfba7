package io.bpf4j.maven;

import io.bpf4j.ObjectFormatException;
import io.bpf4j.ObjectSpec;
import io.bpf4j.codegen.GeneratorException;
import io.bpf4j.codegen.GeneratorOptions;
import io.bpf4j.codegen.SkeletonGenerator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates Java for every object the {@code compile} goal built: records for the structs its maps,
 * ring buffers and globals use, enums, and a typed skeleton class ({@code execsnoop.bpf.c} gives
 * {@code Execsnoop}), with bpf4j's {@code SkeletonGenerator}, into
 * {@code target/generated-sources/bpf4j}, which is added to the compile source roots.
 *
 * <p>It reads the objects {@code compile} wrote, so {@code compile} must run first: list both goals
 * in one execution, {@code compile} first (both default to the {@code generate-sources} phase, and
 * Maven runs the goals of one execution in the order they are listed). Sources are rewritten only
 * when their text changes, and sources generated before for objects or types that are gone are
 * deleted.
 *
 * <pre>{@code
 * <execution>
 *   <goals><goal>compile</goal><goal>generate</goal></goals>
 *   <configuration>
 *     <packageName>com.example.bpf</packageName>
 *     <records><events>event</events></records>
 *   </configuration>
 * </execution>
 * }</pre>
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {
    /** Where the BPF C programs are (as for {@code compile}): one skeleton per {@code *.bpf.c}. */
    @Parameter(property = "bpf4j.sourceDirectory", defaultValue = "${project.basedir}/src/main/bpf")
    private File sourceDirectory;

    /** The class output directory {@code compile} wrote the objects below. */
    @Parameter(defaultValue = "${project.build.outputDirectory}", required = true)
    private File outputDirectory;

    /** The objects' resource directory (as for {@code compile}). */
    @Parameter(property = "bpf4j.resourceDirectory", defaultValue = "bpf")
    private String resourceDirectory;

    /** Where the Java sources go; added to the project's compile source roots. */
    @Parameter(
            property = "bpf4j.generatedSourcesDirectory",
            defaultValue = "${project.build.directory}/generated-sources/bpf4j")
    private File generatedSourcesDirectory;

    /** The Java package of the generated sources. Default: the project's groupId (made a Java name) plus {@code .bpf}. */
    @Parameter(property = "bpf4j.packageName")
    private String packageName;

    /**
     * The record type of a ring buffer or perf event array, when its C does not declare it with
     * {@code BPF4J_RECORD}: map name → C struct name ({@code <events>event</events>}) for every
     * object that has that map, or {@code object.map} for one object ({@code <execsnoop.events>event</execsnoop.events>}).
     */
    @Parameter
    private Map<String, String> records;

    /** Skeleton class names by object ({@code <execsnoop>ExecSnoopBpf</execsnoop>}); default: derived from the file name. */
    @Parameter
    private Map<String, String> classNames;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${project.build.directory}/bpf4j", readonly = true)
    private File workDirectory;

    /** Skips generating. */
    @Parameter(property = "bpf4j.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("bpf4j: generate skipped");
            return;
        }
        Path gen = generatedSourcesDirectory.toPath().toAbsolutePath();
        try {
            generateAll(gen);
        } catch (IOException e) {
            throw new MojoExecutionException("bpf4j: " + e, e);
        }
        project.addCompileSourceRoot(gen.toString());
    }

    private void generateAll(Path gen) throws IOException, MojoFailureException {
        List<BpfSource> sources = BpfSource.scan(sourceDirectory.toPath().toAbsolutePath());
        String pkg = packageName != null && !packageName.isBlank()
                ? packageName.strip()
                : defaultPackage(project.getGroupId());
        Map<String, String> recordConfig = records == null ? Map.of() : records;
        Set<String> usedRecordKeys = new HashSet<>();
        Set<Path> written = new TreeSet<>();
        for (BpfSource s : sources) {
            Path obj = s.object(outputDirectory.toPath().toAbsolutePath(), resourceDirectory);
            if (!Files.isRegularFile(obj)) {
                throw new MojoFailureException(
                        "bpf4j: no object " + obj + " for " + s.relative()
                                + ": the compile goal must run before generate (list <goal>compile</goal> first in the same execution)");
            }
            ObjectSpec spec;
            try {
                spec = ObjectSpec.read(obj);
            } catch (ObjectFormatException e) {
                throw new MojoFailureException(
                        "bpf4j: " + obj + " is not a BPF object bpf4j can read: " + e.getMessage(), e);
            }
            Map<String, String> recordTypes = new TreeMap<>();
            recordConfig.forEach((key, struct) -> {
                int dot = key.indexOf('.');
                if (dot < 0 && spec.map(key).isPresent()) {
                    recordTypes.putIfAbsent(key, struct.strip());
                    usedRecordKeys.add(key);
                } else if (dot > 0 && key.substring(0, dot).equals(s.baseName())) {
                    recordTypes.put(key.substring(dot + 1), struct.strip()); // object.map wins over map
                    usedRecordKeys.add(key);
                }
            });
            GeneratorOptions options;
            try {
                String cls = classNames == null ? null : classNames.get(s.baseName());
                options = new GeneratorOptions(
                        pkg,
                        java.util.Optional.ofNullable(cls).map(String::strip),
                        s.resourceName(resourceDirectory),
                        recordTypes);
            } catch (IllegalArgumentException e) {
                throw new MojoFailureException(
                        "bpf4j: " + e.getMessage()
                                + (packageName == null || packageName.isBlank()
                                        ? " (derived from the groupId: set <packageName>)"
                                        : ""),
                        e);
            }
            List<Path> files;
            try {
                files = SkeletonGenerator.generate(obj, options, gen);
            } catch (GeneratorException e) {
                throw new MojoFailureException(
                        "bpf4j: cannot generate Java for " + s.relative() + ": " + e.getMessage(), e);
            }
            getLog().info("bpf4j: generated " + files.size() + " source(s) for " + s.resourceName(resourceDirectory)
                    + ": "
                    + String.join(
                            ", ",
                            files.stream().map(f -> f.getFileName().toString()).toList()));
            written.addAll(files);
        }
        for (String key : recordConfig.keySet()) {
            if (!usedRecordKeys.contains(key)) {
                throw new MojoFailureException("bpf4j: <records> names '" + key + "', but no object "
                        + (key.contains(".") ? "of that name" : "has a map of that name")
                        + "; keys are a map name or object.map (objects: "
                        + String.join(
                                ", ", sources.stream().map(BpfSource::baseName).toList()) + ")");
            }
        }
        removeStale(gen, written);
    }

    /** Deletes sources this goal generated before that it no longer generates (a deleted object, a renamed type). */
    private void removeStale(Path gen, Set<Path> written) throws IOException {
        Path list = workDirectory.toPath().resolve("generated-sources.txt");
        if (Files.isRegularFile(list)) {
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                Path old = gen.resolve(line);
                if (!line.isBlank() && !written.contains(old) && Files.deleteIfExists(old)) {
                    getLog().info("bpf4j: removed " + line + " (no longer generated)");
                }
            }
        }
        Files.createDirectories(list.getParent());
        List<String> lines = new ArrayList<>();
        written.forEach(p -> lines.add(gen.relativize(p).toString()));
        Files.write(list, lines, StandardCharsets.UTF_8);
    }

    /** {@code io.bpf4j-demo} gives {@code io.bpf4j_demo.bpf}. */
    static String defaultPackage(String groupId) {
        List<String> parts = new ArrayList<>();
        for (String part :
                (groupId == null ? "" : groupId).toLowerCase(Locale.ROOT).split("\\.")) {
            String p = part.replaceAll("[^a-z0-9_]", "_");
            if (!p.isEmpty()) {
                parts.add(Character.isDigit(p.charAt(0)) ? "_" + p : p);
            }
        }
        parts.add("bpf");
        return String.join(".", parts);
    }
}
