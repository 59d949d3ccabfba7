package io.bpf4j;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Lays out one program with the subprograms it reaches, as libbpf does: the program's own
 * instructions first, then a copy of every function it calls (directly, or by reference for a
 * callback such as {@code bpf_loop}'s), each appended once, transitively; call and
 * function-pointer offsets are rewritten for the new layout and the BTF ext records
 * (func_info, line_info) follow their instructions.
 *
 * <p>Positions are in 8-byte instruction slots (an {@code lddw} takes two) within an ELF code
 * section, the unit of relocation offsets once divided by 8.
 *
 * <pre>{@code
 * Linker.Linked l = Linker.link(sections, functions, refs, entry, funcInfos, lineInfos);
 * ProgramSpec spec = base.toBuilder().instructions(l.instructions()).build();
 * }</pre>
 */
final class Linker {
    private Linker() {}

    /** A function in a code section: {@code length} slots from {@code start}. */
    record Function(String name, String section, int start, int length) {
        Function {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(section, "section");
        }

        boolean contains(String sec, int slot) {
            return section.equals(sec) && slot >= start && slot < start + length;
        }
    }

    /**
     * A bpf-to-bpf call ({@code call} with src PSEUDO_CALL) or a function reference
     * ({@code lddw} with src PSEUDO_FUNC) at {@code slot} of {@code section}, to the instruction at
     * {@code targetSlot} of {@code targetSection} (the ELF relocation, already resolved).
     */
    record CodeRef(String section, int slot, String targetSection, int targetSlot) {}

    /** A BTF ext record (func_info, line_info, ...) of the instruction at {@code slot}. */
    record Ext<T>(String section, int slot, T record) {}

    /**
     * The linked program.
     *
     * @param instructions the program and its appended subprograms
     * @param funcInfos func_info records in the new layout, ordered by slot (payload, new slot)
     * @param lineInfos line_info records likewise
     * @param layout where each function was placed (slot of its first instruction)
     */
    record Linked<F, L>(
            List<Instruction> instructions,
            List<Placed<F>> funcInfos,
            List<Placed<L>> lineInfos,
            Map<Function, Integer> layout) {}

    /** An ext record at its slot in the linked program. */
    record Placed<T>(int slot, T record) {}

    /**
     * Links {@code entry} with what it reaches.
     *
     * @param sections every code section's instructions (after map, CO-RE and extern fixups)
     * @param functions every function symbol of the code sections (programs and subprograms)
     * @throws BpfException when a call leads to no known function, or a call site is not a call
     */
    static <F, L> Linked<F, L> link(
            Map<String, List<Instruction>> sections,
            List<Function> functions,
            List<CodeRef> refs,
            Function entry,
            List<Ext<F>> funcInfos,
            List<Ext<L>> lineInfos) {
        return link(sections, index(sections), functions, bySection(refs), entry, funcInfos, lineInfos);
    }

    /** The slot index of every section, to share between the links of one object's programs. */
    static Map<String, SlotIndex> index(Map<String, List<Instruction>> sections) {
        Map<String, SlotIndex> index = new HashMap<>();
        sections.forEach((name, insns) -> index.put(name, new SlotIndex(insns)));
        return index;
    }

    /** Calls and function references grouped by the section they are in, to share likewise. */
    static Map<String, List<CodeRef>> bySection(List<CodeRef> refs) {
        Map<String, List<CodeRef>> refsBySection = new HashMap<>();
        for (CodeRef r : refs) {
            refsBySection.computeIfAbsent(r.section(), k -> new ArrayList<>()).add(r);
        }
        return refsBySection;
    }

    /**
     * {@link #link} with the section index and grouped references computed once for all the
     * programs of an object: linking each program is then linear in what it reaches, not in the
     * size of its section (an object with hundreds of programs in one section stays fast).
     */
    static <F, L> Linked<F, L> link(
            Map<String, List<Instruction>> sections,
            Map<String, SlotIndex> index,
            List<Function> functions,
            Map<String, List<CodeRef>> refsBySection,
            Function entry,
            List<Ext<F>> funcInfos,
            List<Ext<L>> lineInfos) {

        List<Instruction> out = new ArrayList<>();
        Map<Function, Integer> placed = new LinkedHashMap<>();
        Deque<Function> todo = new ArrayDeque<>();
        int outSlots = append(out, sections, index, entry);
        placed.put(entry, 0);
        todo.add(entry);
        // Patches are applied after layout: (output instruction index, new relative offset).
        Map<Integer, Integer> patches = new HashMap<>();
        while (!todo.isEmpty()) {
            Function f = todo.poll();
            int base = placed.get(f);
            for (CodeRef r : refsBySection.getOrDefault(f.section(), List.of())) {
                if (!f.contains(r.section(), r.slot())) {
                    continue;
                }
                Function target = functionAt(functions, r.targetSection(), r.targetSlot())
                        .orElseThrow(() -> new BpfException("program \"" + entry.name() + "\": the call at "
                                + r.section() + "+" + r.slot() * 8 + " goes to " + r.targetSection() + "+"
                                + r.targetSlot() * 8 + ", which is inside no function"));
                Integer at = placed.get(target);
                if (at == null) {
                    at = outSlots;
                    outSlots += append(out, sections, index, target);
                    placed.put(target, at);
                    todo.add(target);
                }
                int siteSlot = base + (r.slot() - f.start());
                int targetOutSlot = at + (r.targetSlot() - target.start());
                patches.put(siteSlot, targetOutSlot - (siteSlot + 1));
            }
        }
        SlotIndex outIndex = new SlotIndex(out);
        for (Map.Entry<Integer, Integer> p : patches.entrySet()) {
            int i = outIndex.indexOf(p.getKey());
            Instruction insn = out.get(i);
            boolean call = insn.opcode() == (Opcodes.JMP | Opcodes.CALL) && insn.src() == Opcodes.PSEUDO_CALL;
            boolean func = insn.isLoadImm64() && insn.src() == Opcodes.PSEUDO_FUNC;
            if (!call && !func) {
                throw new BpfException("program \"" + entry.name() + "\": the relocation at slot " + p.getKey()
                        + " points at " + insn + ", not a bpf-to-bpf call or function reference");
            }
            out.set(i, insn.withConstant(p.getValue()));
        }
        return new Linked<>(List.copyOf(out), place(funcInfos, placed), place(lineInfos, placed), placed);
    }

    private static <T> List<Placed<T>> place(List<Ext<T>> records, Map<Function, Integer> placed) {
        List<Placed<T>> out = new ArrayList<>();
        for (Map.Entry<Function, Integer> e : placed.entrySet()) {
            Function f = e.getKey();
            for (Ext<T> r : records) {
                if (f.contains(r.section(), r.slot())) {
                    out.add(new Placed<>(e.getValue() + r.slot() - f.start(), r.record()));
                }
            }
        }
        out.sort((a, b) -> Integer.compare(a.slot(), b.slot())); // no Comparator.comparingInt: a class less at start
        return List.copyOf(out);
    }

    private static java.util.Optional<Function> functionAt(List<Function> functions, String section, int slot) {
        for (Function f : functions) {
            if (f.contains(section, slot)) {
                return java.util.Optional.of(f);
            }
        }
        return java.util.Optional.empty();
    }

    /** Appends the function's instructions; returns the slots appended. */
    private static int append(
            List<Instruction> out, Map<String, List<Instruction>> sections, Map<String, SlotIndex> index, Function f) {
        List<Instruction> insns = sections.get(f.section());
        if (insns == null) {
            throw new BpfException("function " + f.name() + " is in section " + f.section() + ", which has no code");
        }
        SlotIndex idx = index.get(f.section());
        int from = idx.indexOf(f.start());
        int to = f.start() + f.length() == idx.slots() ? insns.size() : idx.indexOf(f.start() + f.length());
        out.addAll(insns.subList(from, to));
        return f.length();
    }

    /** Maps slot numbers to list indexes for a list where {@code lddw} takes two slots. */
    static final class SlotIndex {
        private final int[] slotToIndex;

        SlotIndex(List<Instruction> insns) {
            int slots = Instruction.slotCount(insns);
            slotToIndex = new int[slots];
            int s = 0;
            for (int i = 0; i < insns.size(); i++) {
                slotToIndex[s++] = i;
                if (insns.get(i).isLoadImm64()) {
                    slotToIndex[s++] = -1; // the second half of an lddw
                }
            }
        }

        int slots() {
            return slotToIndex.length;
        }

        int indexOf(int slot) {
            if (slot < 0 || slot >= slotToIndex.length || slotToIndex[slot] < 0) {
                throw new BpfException("slot " + slot + " is not the start of an instruction");
            }
            return slotToIndex[slot];
        }
    }
}
