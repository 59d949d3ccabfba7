package io.bpf4j;

/**
 * The map has no room for another entry (E2BIG from a hash map at max_entries, ENOSPC
 * from a full queue or stack).
 */
public class MapFullException extends BpfException {
    private static final long serialVersionUID = 1L;

    /** An error of this kind the kernel reported; see {@link BpfException#BpfException(String, int, String, String)}. */
    public MapFullException(String message, int errnoNumber, String command, String object) {
        super(message, errnoNumber, command, object);
    }
}
