package io.bpf4j.codegen;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@link SkeletonGenerator} generates for one object.
 *
 * <pre>{@code
 * GeneratorOptions options = GeneratorOptions.of("com.example.bpf", "bpf/execsnoop.bpf.o")
 *         .withClassName("Execsnoop")
 *         .withRecordType("events", "event");
 * }</pre>
 *
 * @param packageName the Java package of the generated sources, e.g. {@code com.example.bpf}
 * @param className the skeleton class's simple name; empty to derive it from the object file name
 *        ({@code execsnoop.bpf.o} → {@code Execsnoop}, {@code tcp_rtt.bpf.o} → {@code TcpRtt})
 * @param resourceName the class-path resource the skeleton loads the object from, e.g.
 *        {@code bpf/execsnoop.bpf.o}
 * @param recordTypes ring and perf buffer map name → C struct name of the records it carries
 *        ({@code "event"} or {@code "struct event"}); adds to (and wins over) what the object
 *        declares with {@code BPF4J_RECORD} (see {@link SkeletonGenerator})
 */
public record GeneratorOptions(
        String packageName, Optional<String> className, String resourceName, Map<String, String> recordTypes) {

    /** Checks the names; keeps a sorted copy of {@code recordTypes}. */
    public GeneratorOptions {
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(recordTypes, "recordTypes");
        if (!packageName.isEmpty()) {
            for (String part : packageName.split("\\.", -1)) {
                if (!JavaNames.isIdentifier(part)) {
                    throw new IllegalArgumentException("package name \"" + packageName
                            + "\" is not a Java package name (dot-separated identifiers, e.g. com.example.bpf)");
                }
            }
        }
        className.ifPresent(c -> {
            if (!JavaNames.isIdentifier(c)) {
                throw new IllegalArgumentException("class name \"" + c + "\" is not a Java identifier");
            }
        });
        if (resourceName.isBlank()) {
            throw new IllegalArgumentException("resource name is empty; give the class-path resource the skeleton"
                    + " loads the object from, e.g. \"bpf/execsnoop.bpf.o\"");
        }
        recordTypes.forEach((map, struct) -> {
            Objects.requireNonNull(map, "recordTypes key");
            Objects.requireNonNull(struct, "recordTypes value of " + map);
        });
        recordTypes = java.util.Collections.unmodifiableMap(new TreeMap<>(recordTypes));
    }

    /** Options with the class name derived from the object and no configured record types. */
    public static GeneratorOptions of(String packageName, String resourceName) {
        return new GeneratorOptions(packageName, Optional.empty(), resourceName, Map.of());
    }

    /** These options with the skeleton class named {@code name}. */
    public GeneratorOptions withClassName(String name) {
        return new GeneratorOptions(packageName, Optional.of(name), resourceName, recordTypes);
    }

    /** These options with ring or perf buffer {@code map} carrying records of C struct {@code struct}. */
    public GeneratorOptions withRecordType(String map, String struct) {
        Map<String, String> m = new TreeMap<>(recordTypes);
        m.put(map, struct);
        return new GeneratorOptions(packageName, className, resourceName, m);
    }
}
