package io.bpf4j.asm;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an instruction of an object's program means beyond its bits: the function that starts at
 * it, what it refers to by name (a map, a global, a subprogram, a kernel symbol; resolved to fds
 * and offsets only at load), and the source line it came from. Carried along by
 * {@link Instruction}'s {@code with*} edits; not part of the encoded bytes.
 *
 * <pre>{@code
 * for (Instruction insn : spec.programs().get(0).instructions()) {
 *     insn.metadata().reference().ifPresent(r -> System.out.println(insn + "  ; " + r));
 * }
 * }</pre>
 *
 * @param symbol the function that starts at this instruction
 * @param reference what this instruction refers to, by name
 * @param line the source line, from the object's BTF line info
 * @param funcTypeId the BTF {@code FUNC} type id of the function starting here (func info)
 */
public record Metadata(
        Optional<String> symbol, Optional<Reference> reference, Optional<SourceLine> line, OptionalInt funcTypeId) {
    /** No metadata. */
    public static final Metadata NONE =
            new Metadata(Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty());

    /** Checks for nulls. */
    public Metadata {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(funcTypeId, "funcTypeId");
    }

    /** This metadata with a function symbol. */
    public Metadata withSymbol(String name) {
        return new Metadata(Optional.of(name), reference, line, funcTypeId);
    }

    /** This metadata with a reference. */
    public Metadata withReference(Reference r) {
        return new Metadata(symbol, Optional.of(r), line, funcTypeId);
    }

    /** This metadata with a source line. */
    public Metadata withLine(SourceLine l) {
        return new Metadata(symbol, reference, Optional.of(l), funcTypeId);
    }

    /** This metadata with a func info type id. */
    public Metadata withFuncTypeId(int id) {
        return new Metadata(symbol, reference, line, OptionalInt.of(id));
    }

    /** True when nothing is set. */
    public boolean isEmpty() {
        return symbol.isEmpty() && reference.isEmpty() && line.isEmpty() && funcTypeId.isEmpty();
    }

    /** A source line of a program: file, line, column and the line's text. */
    public record SourceLine(String file, int line, int column, String text) {
        /** Checks for nulls. */
        public SourceLine {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + text.strip();
        }
    }

    /** What an instruction names, resolved at load. */
    public sealed interface Reference {
        /** The name referred to. */
        String name();
    }

    /** {@code lddw rX, map}: the map's fd. */
    public record MapReference(String name) implements Reference {}

    /** {@code lddw rX, &global}: {@code offset} bytes into the single value of data map {@code name}. */
    public record MapValueReference(String name, int offset) implements Reference {}

    /** A bpf-to-bpf call of, or {@code lddw} of the address of, function {@code name}. */
    public record FunctionReference(String name) implements Reference {}

    /** A kfunc call or the address of a kernel variable ({@code __ksym}). */
    public record KernelSymbolReference(String name) implements Reference {}
}
