package io.bpf4j;

/**
 * An object file (or a BTF blob) is malformed: truncated, corrupt, or not an object bpf4j can
 * load. The message names the file, the section and the byte offset.
 */
public class ObjectFormatException extends BpfException {
    private static final long serialVersionUID = 1L;

    /** A malformed object with a message naming where. */
    public ObjectFormatException(String message) {
        super(message);
    }

    /** A malformed object, found through another error. */
    public ObjectFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
