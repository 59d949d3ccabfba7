package io.bpf4j.codegen;

import java.util.Optional;

/**
 * The generator cannot generate Java for an object: it has no BTF (built without {@code -g}), a
 * configured record type names a struct the object does not have, a name cannot become Java. The
 * message names the object file, the map or C type involved and what to do; {@link #object()} and
 * {@link #cType()} carry them for tools.
 *
 * <p>Unchecked like every bpf4j error about an object's content (I/O errors stay
 * {@link java.io.IOException}); nothing is written when it is thrown.
 *
 * <pre>{@code
 * try {
 *     SkeletonGenerator.generate(object, options, out);
 * } catch (GeneratorException e) {
 *     System.err.println(e.getMessage()); // "execsnoop.bpf.o: map events: record type struct evnt ..."
 * }
 * }</pre>
 */
public class GeneratorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String object;
    private final String cType;

    /**
     * @param object the object file, as given
     * @param cType the C type involved (e.g. {@code struct event}), or null
     * @param message what is wrong and what to do
     */
    public GeneratorException(String object, String cType, String message) {
        super(object + ": " + message);
        this.object = object;
        this.cType = cType;
    }

    /** As {@link #GeneratorException(String, String, String)}, caused by {@code cause}. */
    public GeneratorException(String object, String cType, String message, Throwable cause) {
        super(object + ": " + message, cause);
        this.object = object;
        this.cType = cType;
    }

    /** The object file the generator read. */
    public String object() {
        return object;
    }

    /** The C type the error is about, if one. */
    public Optional<String> cType() {
        return Optional.ofNullable(cType);
    }
}
