package io.bpf4j;

/**
 * The running kernel lacks a feature bpf4j was asked to use. The message names the feature and,
 * where known, the kernel version that brought it; {@link #feature()} gives the name alone.
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

    /** A feature the kernel refused with the given errno (0 when it was detected another way). */
    public NotSupportedException(String feature, String since, int errnoNumber, String command, String object) {
        super(feature + " is not supported by this kernel"
                + (since == null || since.isEmpty() ? "" : " (needs Linux " + since + " or later, or a kernel built with it)"),
                errnoNumber, command, object);
        this.feature = feature;
    }

    /** The missing feature, e.g. {@code "map type STACK_TRACE"} or {@code "kprobes"}. */
    public String feature() {
        return feature;
    }
}
