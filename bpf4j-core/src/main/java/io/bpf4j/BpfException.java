package io.bpf4j;

import java.util.Optional;

/**
 * Root of every error bpf4j reports about the kernel or a BPF object. It says what was being done
 * ({@link #command()}, e.g. {@code BPF_MAP_UPDATE_ELEM}), on what ({@link #object()}, e.g.
 * {@code map "counts"}), and what the kernel answered ({@link #errno()}).
 *
 * <p>Unchecked, so that map and event code composes with lambdas and streams; catch the
 * subclasses for the cases a program handles: {@link KeyNotFoundException},
 * {@link KeyExistsException}, {@link MapFullException}, {@link PermissionException},
 * {@link NotSupportedException}, {@link VerifierException}.
 *
 * <pre>{@code
 * try {
 *     map.update(key, value, UpdateFlags.NOEXIST);
 * } catch (KeyExistsException e) {
 *     // someone was first
 * }
 * }</pre>
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;
    private final int errnoNumber;
    private final String command;
    private final String object;

    /** An error with no errno (for example a malformed object file). */
    public BpfException(String message) {
        this(message, null, 0, "", "", null);
    }

    /** An error with no errno, caused by another. */
    public BpfException(String message, Throwable cause) {
        this(message, null, 0, "", "", cause);
    }

    /**
     * An error the kernel reported.
     *
     * @param message what was attempted, in words a user reads
     * @param errnoNumber the raw errno (positive)
     * @param command the kernel command, e.g. {@code BPF_MAP_CREATE}
     * @param object the object involved, e.g. {@code map "events"}
     */
    public BpfException(String message, int errnoNumber, String command, String object) {
        this(message, Errno.of(errnoNumber).orElse(null), errnoNumber, command, object, null);
    }

    private BpfException(String message, Errno errno, int errnoNumber, String command, String object, Throwable cause) {
        super(compose(message, errnoNumber, command, object), cause);
        this.errno = errno;
        this.errnoNumber = errnoNumber;
        this.command = command == null ? "" : command;
        this.object = object == null ? "" : object;
    }

    private static String compose(String message, int errnoNumber, String command, String object) {
        if (errnoNumber == 0) {
            return message;
        }
        StringBuilder sb = new StringBuilder(message);
        sb.append(" (");
        if (command != null && !command.isEmpty()) {
            sb.append(command).append(": ");
        }
        sb.append(Errno.nameOf(errnoNumber));
        Errno.of(errnoNumber).ifPresent(e -> sb.append(", ").append(e.description()));
        if (object != null && !object.isEmpty()) {
            sb.append("; ").append(object);
        }
        return sb.append(')').toString();
    }

    /** The errno the kernel returned, when bpf4j knows it by name. */
    public Optional<Errno> errno() {
        return Optional.ofNullable(errno);
    }

    /** The raw errno number, or 0 when the error did not come from the kernel. */
    public int errnoNumber() {
        return errnoNumber;
    }

    /** The kernel command that failed (e.g. {@code BPF_PROG_LOAD}), or "" when none. */
    public String command() {
        return command;
    }

    /** The object involved (e.g. {@code map "counts"}), or "" when none. */
    public String object() {
        return object;
    }
}
