package io.bpf4j;

/**
 * The key is not in the map (ENOENT), from an operation that needs it there: delete,
 * lookup-and-delete, update with {@code EXIST}, pop from an empty queue. Plain lookups return an
 * empty {@link java.util.Optional} instead.
 */
public class KeyNotFoundException extends BpfException {
    private static final long serialVersionUID = 1L;

    /** An error of this kind the kernel reported; see {@link BpfException#BpfException(String, int, String, String)}. */
    public KeyNotFoundException(String message, int errnoNumber, String command, String object) {
        super(message, errnoNumber, command, object);
    }
}
