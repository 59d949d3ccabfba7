package io.bpf4j.cli;

import io.bpf4j.codegen.GeneratorOptions;
import io.bpf4j.codegen.SkeletonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bpf4j gen OBJECT --package P [--class C] [--resource R] [--record MAP=STRUCT]... -o DIR}:
 * Java records, enums and a typed skeleton class for one object (bpf4j-codegen), for builds
 * without the Maven plugin.
 *
 * <pre>
 * bpf4j gen target/bpf/execsnoop.bpf.o --package com.example.bpf -o src/main/java
 * </pre>
 */
@Command(name = "gen", description = "Generate Java (records, enums, a typed skeleton class) from an object's BTF.")
final class GenCommand extends Cmd implements Runnable {
    @Parameters(paramLabel = "OBJECT", description = "The .bpf.o file (compiled with clang -g).")
    Path object;

    @Option(
            names = "--package",
            required = true,
            paramLabel = "P",
            description = "Java package of the generated class.")
    String packageName;

    @Option(
            names = "--class",
            paramLabel = "C",
            description = "Skeleton class name (default: from the file name," + " execsnoop.bpf.o -> Execsnoop).")
    String className;

    @Option(
            names = "--resource",
            paramLabel = "R",
            description = "Class-path resource the skeleton loads the object" + " from (default: bpf/<file name>).")
    String resource;

    @Option(
            names = "--record",
            paramLabel = "MAP=STRUCT",
            description = "Ring or perf buffer MAP carries records of"
                    + " C struct STRUCT (repeatable; adds to BPF4J_RECORD in the C source).")
    List<String> records = new ArrayList<>();

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "Source root to write into" + " (package directories are created).")
    Path output;

    @Override
    public void run() {
        Map<String, String> recordTypes = new LinkedHashMap<>();
        for (String r : records) {
            int eq = r.indexOf('=');
            if (eq <= 0 || eq == r.length() - 1) {
                throw fail("--record " + r + ": give MAP=STRUCT, e.g. --record events=event");
            }
            recordTypes.put(r.substring(0, eq).strip(), r.substring(eq + 1).strip());
        }
        String res = resource != null ? resource : "bpf/" + object.getFileName();
        GeneratorOptions options = new GeneratorOptions(packageName, Optional.ofNullable(className), res, recordTypes);
        List<Path> written;
        try {
            written = SkeletonGenerator.generate(object, options, output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate from " + object + ": " + e.getMessage(), e);
        }
        emit(
                Map.of("written", written.stream().map(Path::toString).toList()),
                () -> String.join("\n", written.stream().map(Path::toString).toList()));
    }
}
