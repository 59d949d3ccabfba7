package io.bpf4j;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * @param token a BPF token every map create, BTF load and program load of the object sends
 *        (stays the caller's to close); empty: decided by {@code tokenPath}
 * @param tokenPath the bpffs to create the load's token from, as libbpf's {@code bpf_token_path}:
 *        a token must come from it (the load fails naming the errno otherwise); an empty path means
 *        no token. Unset: the path in {@code LIBBPF_BPF_TOKEN_PATH} if that is set, else
 *        {@code /sys/fs/bpf} if it is mounted with delegation (any failure there: no token)
 */
public record ObjectOptions(
        Path pinDirectory,
        int logLevel,
        Map<String, BpfMap> mapReplacements,
        Map<String, Program> extensionTargets,
        Optional<BpfToken> token,
        Optional<Path> tokenPath) {
    /** Pins under {@code /sys/fs/bpf}, no verifier log, no replacements, no extension targets. */
    public static final ObjectOptions DEFAULT =
            new ObjectOptions(Path.of("/sys/fs/bpf"), 0, Map.of(), Map.of(), Optional.empty(), Optional.empty());

    /** Options without a token choice (the default one, see {@link #tokenPath()}). */
    public ObjectOptions(
            Path pinDirectory,
            int logLevel,
            Map<String, BpfMap> mapReplacements,
            Map<String, Program> extensionTargets) {
        this(pinDirectory, logLevel, mapReplacements, extensionTargets, Optional.empty(), Optional.empty());
    }

    /** Checks the arguments and copies the replacements. */
    public ObjectOptions {
        Objects.requireNonNull(pinDirectory, "pinDirectory");
        if (logLevel < 0) {
            throw new IllegalArgumentException("negative log level " + logLevel);
        }
        mapReplacements = Map.copyOf(mapReplacements);
        extensionTargets = Map.copyOf(extensionTargets);
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tokenPath, "tokenPath");
    }

    /** These options with another pin directory. */
    public ObjectOptions withPinDirectory(Path dir) {
        return new ObjectOptions(dir, logLevel, mapReplacements, extensionTargets, token, tokenPath);
    }

    /** These options with another verifier log level. */
    public ObjectOptions withLogLevel(int level) {
        return new ObjectOptions(pinDirectory, level, mapReplacements, extensionTargets, token, tokenPath);
    }

    /** These options with {@code map} replaced by {@code existing}. */
    public ObjectOptions withMapReplacement(String map, BpfMap existing) {
        Map<String, BpfMap> m = new LinkedHashMap<>(mapReplacements);
        m.put(Objects.requireNonNull(map, "map"), Objects.requireNonNull(existing, "existing"));
        return new ObjectOptions(pinDirectory, logLevel, m, extensionTargets, token, tokenPath);
    }

    /**
     * These options with the {@code freplace} program {@code program} loaded to replace a global
     * function of {@code target} (the function its section names). Attach it afterwards with
     * {@link io.bpf4j.link.Tracing#attachFreplace}.
     */
    public ObjectOptions withExtensionTarget(String program, Program target) {
        Map<String, Program> m = new LinkedHashMap<>(extensionTargets);
        m.put(Objects.requireNonNull(program, "program"), Objects.requireNonNull(target, "target"));
        return new ObjectOptions(pinDirectory, logLevel, mapReplacements, m, token, tokenPath);
    }

    /**
     * These options loading with {@code token}: every map create, BTF load and program load sends
     * it (BPF_F_TOKEN_FD). The token stays the caller's to close.
     *
     * <pre>{@code
     * try (BpfToken token = BpfToken.create(Path.of("/run/bpffs"))) {
     *     obj = spec.load(ObjectOptions.DEFAULT.withToken(token));
     * }
     * }</pre>
     */
    public ObjectOptions withToken(BpfToken token) {
        return new ObjectOptions(
                pinDirectory,
                logLevel,
                mapReplacements,
                extensionTargets,
                Optional.of(Objects.requireNonNull(token, "token")),
                Optional.empty());
    }

    /**
     * These options taking the load's token from the bpffs at {@code bpffs} (libbpf's
     * {@code bpf_token_path}); the load fails, naming the errno, when no token comes from it.
     * {@code Path.of("")} loads without a token, whatever {@code LIBBPF_BPF_TOKEN_PATH} says.
     */
    public ObjectOptions withTokenPath(Path bpffs) {
        return new ObjectOptions(
                pinDirectory,
                logLevel,
                mapReplacements,
                extensionTargets,
                Optional.empty(),
                Optional.of(Objects.requireNonNull(bpffs, "bpffs")));
    }

    /** These options loading without a BPF token, whatever the environment says. */
    public ObjectOptions withoutToken() {
        return withTokenPath(Path.of(""));
    }
}
