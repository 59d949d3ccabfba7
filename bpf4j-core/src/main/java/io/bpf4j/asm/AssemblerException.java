package io.bpf4j.asm;

/**
 * Text the {@link Assembler} cannot read: the message names the line number, the line, and what
 * is wrong with it.
 */
public final class AssemblerException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int line;

    /** A problem on 1-based line {@code line} whose text is {@code text}. */
    public AssemblerException(int line, String text, String problem) {
        super("line " + line + (text.isEmpty() ? "" : " (" + text + ")") + ": " + problem);
        this.line = line;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }
}
