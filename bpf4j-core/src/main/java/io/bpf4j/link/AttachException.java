package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.NotSupportedException;

/**
 * {@code attachAll} could not attach a program: names the program, its section and the target,
 * with the failure itself as {@link #getCause()} (in the kernel's words where the kernel refused).
 * Nothing attachAll made stays attached.
 *
 * <pre>{@code
 * try {
 *     obj.attachAll();
 * } catch (AttachException e) {
 *     System.err.println(e.program() + " in SEC(\"" + e.section() + "\"): " + e.getMessage());
 * }
 * }</pre>
 */
public final class AttachException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final String program;
    private final String section;
    private final String target;
    private final RuntimeException failure;

    AttachException(String program, String section, String target, RuntimeException failure) {
        super("cannot attach program \"" + program + "\" (SEC(\"" + section + "\")) to " + target + ": "
                + failure.getMessage());
        this.program = program;
        this.section = section;
        this.target = target;
        this.failure = failure;
    }

    /** The program that did not attach. */
    public String program() {
        return program;
    }

    /** Its section name. */
    public String section() {
        return section;
    }

    /** Where it was to attach, in words. */
    public String target() {
        return target;
    }

    /** True when the cause is a feature this kernel lacks (a {@link NotSupportedException}). */
    public boolean notSupported() {
        return failure instanceof NotSupportedException;
    }

    /** The errno of the kernel's refusal, when the kernel refused. */
    @Override
    public java.util.Optional<io.bpf4j.Errno> errno() {
        return failure instanceof BpfException b ? b.errno() : java.util.Optional.empty();
    }

    @Override
    public int errnoNumber() {
        return failure instanceof BpfException b ? b.errnoNumber() : 0;
    }

    @Override
    public String command() {
        return failure instanceof BpfException b ? b.command() : "";
    }

    /** The failure: the kernel's refusal, a missing target, a spec that does not fit the program. */
    @Override
    public synchronized Throwable getCause() {
        return failure;
    }
}
