package io.bpf4j;

import java.util.Objects;

/**
 * One line_info record of a loaded program, resolved to text: the instruction slot where a
 * source line starts, and that line.
 *
 * <pre>{@code
 * new SourceLine(12, "counter.bpf.c", 31, 5, "return v[2] ? XDP_DROP : XDP_PASS;");
 * }</pre>
 *
 * @param slot the instruction slot in the loaded program
 * @param file the source file name
 * @param line 1-based line number
 * @param column 1-based column, 0 when unknown
 * @param text the source line's text as recorded in BTF (may be empty)
 */
record SourceLine(int slot, String file, int line, int column, String text) {
    /** Checks for nulls. */
    public SourceLine {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return file + ":" + line + (column > 0 ? ":" + column : "") + (text.isBlank() ? "" : ": " + text.strip());
    }
}
