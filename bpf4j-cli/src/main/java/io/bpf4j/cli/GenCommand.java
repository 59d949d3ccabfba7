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
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bpf4j gen OBJECT --package P [--class C] [--resource R] [--record MAP=STRUCT]... -o DIR}:
 * Java records, enums and a typed skeleton class for one object (bpf4j-codegen), for builds
 * without the Maven plugin.
 *
 * <pre>
 * bpf4j gen target/bpf/execsnoop.bpf.o --package com.example.bpf -o src/main/java
 * </pre>
 */
final class GenCommand extends Cmd implements Runnable {
    static CommandSpec spec() {
        GenCommand c = new GenCommand();
        return Decl.command(c, "gen", "Generate Java (records, enums, a typed skeleton class) from an object's BTF.")
                .path("0", "OBJECT", "The .bpf.o file (compiled with clang -g).", v -> c.object = v)
                .option("--package", "P", "Java package of the generated class.", true, v -> c.packageName = v)
                .option(
                        "--class",
                        "C",
                        "Skeleton class name (default: from the file name, execsnoop.bpf.o -> Execsnoop).",
                        false,
                        v -> c.className = v)
                .option(
                        "--resource",
                        "R",
                        "Class-path resource the skeleton loads the object from (default: bpf/<file name>).",
                        false,
                        v -> c.resource = v)
                .repeated(
                        "--record",
                        "MAP=STRUCT",
                        "Ring or perf buffer MAP carries records of C struct STRUCT (repeatable; adds to BPF4J_RECORD in the C source).",
                        v -> c.records = v)
                .pathOption(
                        new String[] {"-o", "--output"},
                        "DIR",
                        "Source root to write into (package directories are created).",
                        true,
                        v -> c.output = v)
                .spec();
    }

    Path object;

    String packageName;

    String className;

    String resource;

    List<String> records = new ArrayList<>();

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
