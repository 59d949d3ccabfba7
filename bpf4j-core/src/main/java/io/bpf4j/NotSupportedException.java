package io.bpf4j;

import java.util.Optional;

/**
 * The running kernel lacks a feature bpf4j was asked to use. The message names the feature and,
 * where known, the kernel version that brought it; {@link #feature()} gives the name alone and
 * {@link #since()} the version.
 *
 * <p>bpf4j throws this only when the kernel said so plainly (EOPNOTSUPP, a missing PMU or file) or
 * when a feature probe confirmed it; an EINVAL that a probe does not explain is a
 * {@link BpfException} in the kernel's words, since it usually means a bad argument.
 *
 * <pre>{@code
 * try (var m = BpfMap.create(MapSpec.builder(MapType.ARENA)...build())) {
 * } catch (NotSupportedException e) {
 *     System.err.println("no " + e.feature());
 * }
 * }</pre>
 */
public class NotSupportedException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final String feature;
    private final String since;

    /** A feature the kernel refused with the given errno (0 when it was detected another way). */
    public NotSupportedException(String feature, String since, int errnoNumber, String command, String object) {
        super(
                feature + " is not supported by this kernel"
                        + (since == null || since.isEmpty()
                                ? ""
                                : " (needs Linux " + since + " or later, or a kernel built with it)"),
                errnoNumber,
                command,
                object);
        this.feature = feature;
        this.since = since == null ? "" : since;
    }

    /** The missing feature, e.g. {@code "map type STACK_TRACE"} or {@code "kprobes"}. */
    public String feature() {
        return feature;
    }

    /**
     * The kernel version that brought the feature (e.g. {@code "5.8"}), when bpf4j knows it.
     * Distribution kernels backport features, so this says where it appeared upstream.
     */
    public Optional<String> since() {
        return since.isEmpty() ? Optional.empty() : Optional.of(since);
    }
}
