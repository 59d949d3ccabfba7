package io.bpf4j.codegen;

import java.util.List;

/** Lines of Java with four-space indentation and Javadoc blocks; "\n" line ends on every machine. */
final class SourceWriter {
    private final StringBuilder out = new StringBuilder();
    private int indent;

    SourceWriter line(String text) {
        if (!text.isEmpty()) {
            out.append("    ".repeat(indent)).append(text);
        }
        out.append('\n');
        return this;
    }

    SourceWriter blank() {
        return line("");
    }

    /** A line ending in "{", the next lines indented. */
    SourceWriter open(String text) {
        line(text + " {");
        indent++;
        return this;
    }

    /** Closes a block with "}" (or "}" + {@code suffix}). */
    SourceWriter close(String suffix) {
        indent--;
        return line("}" + suffix);
    }

    /** Indents the lines that follow one more level (after a line that opened a block by itself). */
    SourceWriter indent() {
        indent++;
        return this;
    }

    /** "} text {": closes a block and opens the next (else, catch). */
    SourceWriter reopen(String text) {
        indent--;
        line("} " + text + " {");
        indent++;
        return this;
    }

    SourceWriter close() {
        return close("");
    }

    /** A Javadoc comment: one line when it fits, else a block. */
    SourceWriter doc(List<String> lines) {
        if (lines.size() == 1 && lines.get(0).length() < 100) {
            return line("/** " + lines.get(0) + " */");
        }
        line("/**");
        for (String l : lines) {
            line(l.isEmpty() ? " *" : " * " + l);
        }
        return line(" */");
    }

    SourceWriter doc(String... lines) {
        return doc(List.of(lines));
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
