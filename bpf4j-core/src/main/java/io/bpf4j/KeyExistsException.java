package io.bpf4j;

/**
 * The key is already in the map (EEXIST), from an update with {@code NOEXIST}.
 */
public class KeyExistsException extends BpfException {
    private static final long serialVersionUID = 1L;

    /** An error of this kind the kernel reported; see {@link BpfException#BpfException(String, int, String, String)}. */
    public KeyExistsException(String message, int errnoNumber, String command, String object) {
        super(message, errnoNumber, command, object);
    }
}
