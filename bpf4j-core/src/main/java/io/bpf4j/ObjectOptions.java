package io.bpf4j;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link ObjectSpec#load(ObjectOptions)} loads an object.
 *
 * <pre>{@code
 * ObjectOptions options = ObjectOptions.DEFAULT
 *         .withPinDirectory(Path.of("/sys/fs/bpf/myapp"))
 *         .withLogLevel(1)
 *         .withMapReplacement("counts", sharedCounts)    // an open BpfMap, kept by the caller
 *         .withExtensionTarget("new_verdict", target);   // SEC("freplace/verdict"): a function of target
 * }</pre>
 *
 * @param pinDirectory where {@link Pinning#BY_NAME} maps are pinned and looked for
 * @param logLevel verifier log level kept on success for every program (0: none)
 * @param mapReplacements existing maps to use instead of creating the object's map of that name;
 *        each is checked against the object's definition (type, sizes, flags) and stays the
 *        caller's to close (the object takes its own reference)
 * @param extensionTargets for each {@code freplace} (EXT) program, the loaded program whose
 *        global function (named by the section, {@code freplace/FUNC}) it replaces, as libbpf's
 *        {@code bpf_program__set_attach_target}; stays the caller's to close
 */
public record ObjectOptions(Path pinDirectory, int logLevel, Map<String, BpfMap> mapReplacements,
                            Map<String, Program> extensionTargets) {
    /** Pins under {@code /sys/fs/bpf}, no verifier log, no replacements, no extension targets. */
    public static final ObjectOptions DEFAULT = new ObjectOptions(Path.of("/sys/fs/bpf"), 0, Map.of(), Map.of());

    /** Checks the arguments and copies the replacements. */
    public ObjectOptions {
        Objects.requireNonNull(pinDirectory, "pinDirectory");
        if (logLevel < 0) {
            throw new IllegalArgumentException("negative log level " + logLevel);
        }
        mapReplacements = Map.copyOf(mapReplacements);
        extensionTargets = Map.copyOf(extensionTargets);
    }

    /** These options with another pin directory. */
    public ObjectOptions withPinDirectory(Path dir) {
        return new ObjectOptions(dir, logLevel, mapReplacements, extensionTargets);
    }

    /** These options with another verifier log level. */
    public ObjectOptions withLogLevel(int level) {
        return new ObjectOptions(pinDirectory, level, mapReplacements, extensionTargets);
    }

    /** These options with {@code map} replaced by {@code existing}. */
    public ObjectOptions withMapReplacement(String map, BpfMap existing) {
        Map<String, BpfMap> m = new LinkedHashMap<>(mapReplacements);
        m.put(Objects.requireNonNull(map, "map"), Objects.requireNonNull(existing, "existing"));
        return new ObjectOptions(pinDirectory, logLevel, m, extensionTargets);
    }

    /**
     * These options with the {@code freplace} program {@code program} loaded to replace a global
     * function of {@code target} (the function its section names). Attach it afterwards with
     * {@link io.bpf4j.link.Tracing#attachFreplace}.
     */
    public ObjectOptions withExtensionTarget(String program, Program target) {
        Map<String, Program> m = new LinkedHashMap<>(extensionTargets);
        m.put(Objects.requireNonNull(program, "program"), Objects.requireNonNull(target, "target"));
        return new ObjectOptions(pinDirectory, logLevel, mapReplacements, m);
    }
}
