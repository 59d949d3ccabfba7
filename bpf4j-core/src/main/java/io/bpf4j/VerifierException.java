package io.bpf4j;

/**
 * The verifier rejected a program. {@link #log()} is the whole verifier log; the message holds its
 * relevant tail (and source lines when the object has line info).
 *
 * <pre>{@code
 * try (var obj = spec.load()) { ... }
 * catch (VerifierException e) { System.err.println(e.log()); }
 * }</pre>
 */
public class VerifierException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final String log;

    /** A rejection of the named program with the kernel's log. */
    public VerifierException(String message, int errnoNumber, String program, String log) {
        super(message, errnoNumber, "BPF_PROG_LOAD", "program \"" + program + "\"");
        this.log = log == null ? "" : log;
    }

    /** The full verifier log, possibly empty when the kernel wrote none. */
    public String log() {
        return log;
    }
}
