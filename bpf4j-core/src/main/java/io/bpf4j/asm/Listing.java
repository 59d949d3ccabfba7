package io.bpf4j.asm;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Instructions with what a reader needs to name them: labels, references by name and source
 * lines, each keyed by instruction slot (an {@code lddw} takes two slots, as in the kernel, in
 * jump offsets and in BTF line info). The {@link Assembler} makes one from text; the
 * {@link Disassembler} turns one back into text.
 *
 * <pre>{@code
 * Listing l = Assembler.assemble("""
 *         r1 = map[counts] ll
 *         call bpf_map_lookup_elem
 *         exit
 *         """);
 * List<Instruction> code = l.resolve(name -> maps.get(name).fd());   // fds patched in
 * }</pre>
 *
 * @param instructions the code
 * @param labels names of slots (functions and jump targets)
 * @param references what the instruction at a slot refers to by name
 * @param lines the source line that starts at a slot
 */
public record Listing(
        List<Instruction> instructions,
        Map<Integer, String> labels,
        Map<Integer, Reference> references,
        Map<Integer, Line> lines) {

    /**
     * A source line from BTF line info.
     *
     * @param file the source file name as compiled
     * @param line 1-based line number
     * @param column 1-based column, 0 when unknown
     * @param text the line's text (may be empty)
     */
    public record Line(String file, int line, int column, String text) {
        /** Checks for nulls. */
        public Line {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(text, "text");
        }

        /** {@code file:line:column}. */
        public String where() {
            return file + ":" + line + (column > 0 ? ":" + column : "");
        }
    }

    /** Copies the list and maps (sorted by slot). */
    public Listing {
        instructions = List.copyOf(instructions);
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        references = Collections.unmodifiableMap(new TreeMap<>(references));
        lines = Collections.unmodifiableMap(new TreeMap<>(lines));
    }

    /** Plain instructions with no names. */
    public static Listing of(List<Instruction> instructions) {
        return new Listing(instructions, Map.of(), Map.of(), Map.of());
    }

    /** This listing with other labels. */
    public Listing withLabels(Map<Integer, String> l) {
        return new Listing(instructions, l, references, lines);
    }

    /** This listing with other references. */
    public Listing withReferences(Map<Integer, Reference> r) {
        return new Listing(instructions, labels, r, lines);
    }

    /** This listing with other source lines. */
    public Listing withLines(Map<Integer, Line> l) {
        return new Listing(instructions, labels, references, l);
    }

    /** The slot of the label {@code name}. */
    public Optional<Integer> slotOf(String name) {
        return labels.entrySet().stream()
                .filter(e -> e.getValue().equals(name))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** Number of slots the code occupies. */
    public int slotCount() {
        return Instruction.slotCount(instructions);
    }

    /**
     * The instructions with every map reference turned into the map's fd ({@code BPF_PSEUDO_MAP_FD},
     * or {@code BPF_PSEUDO_MAP_VALUE} with the offset), ready for a direct load.
     *
     * @param mapFd the fd of a map by name; it may throw for an unknown name
     * @throws IllegalStateException when a reference other than to a map remains (kfuncs, ksyms
     *         and functions named outside this listing need the object loader)
     */
    public List<Instruction> resolve(ToIntFunction<String> mapFd) {
        java.util.ArrayList<Instruction> out = new java.util.ArrayList<>(instructions.size());
        int slot = 0;
        for (Instruction in : instructions) {
            Reference r = references.get(slot);
            switch (r) {
                case null -> out.add(in);
                case Reference.MapRef m ->
                    out.add(in.withSrc(Opcodes.PSEUDO_MAP_FD).withConstant(mapFd.applyAsInt(m.name()) & 0xffff_ffffL));
                case Reference.MapValueRef v ->
                    out.add(in.withSrc(Opcodes.PSEUDO_MAP_VALUE)
                            .withConstant((mapFd.applyAsInt(v.name()) & 0xffff_ffffL) | ((long) v.offset() << 32)));
                case Reference.FunctionRef f when labels.containsValue(f.name()) -> out.add(in);
                default ->
                    throw new IllegalStateException(
                            "instruction " + slot + " refers to " + r + ", which only the object loader resolves");
            }
            slot += in.slots();
        }
        return out;
    }
}
