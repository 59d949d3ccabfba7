package io.bpf4j;

/**
 * An object file (or a binary read for uprobes) is malformed, truncated, of the wrong kind
 * (big-endian, 32-bit, not BPF), or describes something bpf4j cannot make sense of. The message
 * names the file, the section and the byte offset where reading stopped.
 *
 * <pre>{@code
 * try {
 *     ObjectSpec spec = ObjectSpec.read(path);
 * } catch (ObjectFormatException e) {
 *     System.err.println("not a usable BPF object: " + e.getMessage());
 * }
 * }</pre>
 */
public class ObjectFormatException extends BpfException {
    private static final long serialVersionUID = 1L;

    /** A format error; {@code message} names file, section and offset. */
    public ObjectFormatException(String message) {
        super(message);
    }

    /** A format error found while decoding a part that threw on its own. */
    public ObjectFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
