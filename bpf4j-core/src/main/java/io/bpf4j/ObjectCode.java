package io.bpf4j;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Listing;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.asm.Reference;
import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.BtfExt;
import io.bpf4j.btf.CoreTypes;
import io.bpf4j.internal.elf.ElfFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The code of an object file as {@link Listing}s, for reading it: each executable section with
 * its symbols as labels, what its relocations refer to by name (maps, global data with the offset,
 * functions, kfuncs, ksyms, kconfig externs) and the source lines of its BTF line info. This is
 * what {@code bpf4j object dump} and {@code llvm-objdump -d} print: the code as the file holds it,
 * section by section, before linking. The object's data (its BTF, maps, linked programs,
 * variables, externs) is {@link ObjectSpec}'s.
 *
 * <pre>{@code
 * ObjectCode code = ObjectCode.read(Path.of("counter.bpf.o"));
 * System.out.print(Disassembler.disassemble(code.function("count_packets").orElseThrow()));
 * }</pre>
 *
 * @param file the file name used in messages
 * @param sections listing of each executable section, in file order
 * @param functions the function symbols: name to (section, first slot, slot count)
 * @param coreRelocations how many CO-RE relocations each section's code has
 */
public record ObjectCode(
        String file,
        Map<String, Listing> sections,
        Map<String, Function> functions,
        Map<String, Integer> coreRelocations) {

    /**
     * A function symbol of the object.
     *
     * @param name the symbol's name
     * @param section the section holding it
     * @param slot its first instruction slot in the section
     * @param slots how many slots it spans
     * @param global whether the symbol is global (a program when outside {@code .text})
     */
    public record Function(String name, String section, int slot, int slots, boolean global) {}

    /** Copies the maps. */
    public ObjectCode {
        sections = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sections));
        functions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(functions));
        coreRelocations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(coreRelocations));
    }

    /**
     * Reads an object file's code.
     *
     * @throws ObjectFormatException when the file is not a BPF object, or its code, BTF or line
     *         info is malformed (naming the section)
     * @throws UncheckedIOException when it cannot be read
     */
    public static ObjectCode read(Path path) {
        try {
            return read(Files.readAllBytes(path), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object " + path, e);
        }
    }

    /** Reads an object's code from its bytes; {@code file} names it in messages. */
    public static ObjectCode read(byte[] bytes, String file) {
        ElfFile elf = ElfFile.readBpfObject(file, bytes);
        Btf btf = null;
        BtfExt ext = null;
        byte[] rawBtf = elf.data(".BTF");
        if (rawBtf != null && rawBtf.length > 0) {
            try {
                btf = Btf.parse(rawBtf);
                byte[] e = elf.data(".BTF.ext");
                ext = e == null ? null : BtfExt.parse(e, btf);
            } catch (BtfException e) {
                throw new ObjectFormatException(file + ": section .BTF/.BTF.ext: " + e.getMessage());
            }
        }
        Map<String, Integer> kconfig = btf == null ? Map.of() : kconfigOffsets(btf);
        Map<String, Function> functions = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, String>> labels = new LinkedHashMap<>();
        for (ElfFile.Symbol s : elf.symbols()) {
            ElfFile.Section sec = elf.sections().get(s.section());
            if (sec == null
                    || (sec.flags() & ElfFile.SHF_EXECINSTR) == 0
                    || s.name().isEmpty()
                    || s.type() == ElfFile.STT_SECTION) {
                continue;
            }
            int slot = (int) (s.value() / Instruction.SLOT_SIZE);
            TreeMap<Integer, String> l = labels.computeIfAbsent(s.section(), k -> new TreeMap<>());
            if (s.type() == ElfFile.STT_FUNC) {
                functions.put(
                        s.name(),
                        new Function(
                                s.name(),
                                s.section(),
                                slot,
                                (int) (s.size() / Instruction.SLOT_SIZE),
                                s.bind() == ElfFile.STB_GLOBAL));
                l.put(slot, s.name()); // a function's name wins over a local label at the same place
            } else {
                l.putIfAbsent(slot, s.name());
            }
        }
        Map<String, Listing> sections = new LinkedHashMap<>();
        for (ElfFile.Section s : elf.sections().values()) {
            if ((s.flags() & ElfFile.SHF_EXECINSTR) == 0 || s.data().length == 0) {
                continue;
            }
            List<Instruction> code;
            try {
                code = Instruction.decodeAll(s.data());
            } catch (IllegalArgumentException e) {
                throw new ObjectFormatException(file + ": section " + s.name() + ": " + e.getMessage());
            }
            Map<Integer, Instruction> bySlot = new HashMap<>();
            int slot = 0;
            for (Instruction in : code) {
                bySlot.put(slot, in);
                slot += in.slots();
            }
            Map<Integer, String> secLabels = labels.getOrDefault(s.name(), new TreeMap<>());
            Map<Integer, Reference> refs = new HashMap<>();
            for (ElfFile.Reloc r : elf.relocations().getOrDefault(s.name(), List.of())) {
                int at = (int) (r.offset() / Instruction.SLOT_SIZE);
                Instruction in = bySlot.get(at);
                if (in == null) {
                    continue; // not at an instruction: the loader reports it; a listing shows the code as is
                }
                Reference ref = reference(elf, r.symbol(), in, kconfig, functions);
                if (ref != null) {
                    refs.put(at, ref);
                }
            }
            // Calls within one section carry no relocation: name their target function.
            bySlot.forEach((at, in) -> {
                if (!refs.containsKey(at)
                        && in.opcode() == (Opcodes.JMP | Opcodes.CALL)
                        && in.src() == Opcodes.PSEUDO_CALL) {
                    String target = secLabels.get(at + in.imm() + 1);
                    if (target != null && functions.containsKey(target)) {
                        refs.put(at, new Reference.FunctionRef(target));
                    }
                }
            });
            Map<Integer, Listing.Line> lines = new HashMap<>();
            if (ext != null) {
                for (BtfExt.LineInfo li : ext.lineInfos(s.name())) {
                    lines.put(li.insnOffset(), new Listing.Line(li.file(), li.lineNum(), li.col(), li.line()));
                }
            }
            sections.put(s.name(), new Listing(code, secLabels, refs, lines));
        }
        Map<String, Integer> core = new LinkedHashMap<>();
        if (ext != null) {
            ext.coreRelocations().forEach((sec, list) -> core.put(sec, list.size()));
        }
        return new ObjectCode(file, sections, functions, core);
    }

    private static Reference reference(
            ElfFile elf,
            ElfFile.Symbol sym,
            Instruction in,
            Map<String, Integer> kconfig,
            Map<String, Function> functions) {
        boolean call = in.opcode() == (Opcodes.JMP | Opcodes.CALL);
        if (sym.section().isEmpty()) {
            if (kconfig.containsKey(sym.name())) {
                return new Reference.MapValueRef(".kconfig", kconfig.get(sym.name()));
            }
            return call ? new Reference.KfuncRef(sym.name()) : new Reference.KsymRef(sym.name());
        }
        if (sym.section().equals(".maps") || sym.section().equals("maps")) {
            return new Reference.MapRef(sym.name());
        }
        ElfFile.Section target = elf.sections().get(sym.section());
        if (target != null && (target.flags() & ElfFile.SHF_EXECINSTR) != 0) {
            long slot = call
                    ? sym.value() / Instruction.SLOT_SIZE + in.imm() + 1
                    : (sym.value() + in.imm()) / Instruction.SLOT_SIZE;
            return functions.values().stream()
                    .filter(f -> f.section().equals(sym.section()) && f.slot() == slot)
                    .findFirst()
                    .map(f -> (Reference) new Reference.FunctionRef(f.name()))
                    .orElse(null);
        }
        return new Reference.MapValueRef(sym.section(), (int) (sym.value() + in.imm()));
    }

    /** The {@code .kconfig} externs' offsets, laid out as the loader lays them out (datasec order, natural alignment). */
    private static Map<String, Integer> kconfigOffsets(CoreTypes btf) {
        Map<String, Integer> out = new HashMap<>();
        int size = 0;
        for (int dsec : btf.idsNamed(".kconfig")) {
            for (int i = 0; i < btf.vlen(dsec); i++) {
                int var = btf.memberType(dsec, i);
                int t = btf.skipModsAndTypedefs(btf.ref(var));
                int sz = (int) btf.resolveSize(t);
                int align = btf.kind(t) == CoreTypes.ARRAY ? 1 : Math.max(1, Math.min(sz, 8));
                size = (size + align - 1) / align * align;
                out.put(btf.name(var), size);
                size += sz;
            }
        }
        return out;
    }

    /** The listing of one section. */
    public Optional<Listing> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }

    /**
     * The listing of one function (a program or a subprogram): its slice of its section, labels,
     * references and lines moved to start at slot 0.
     */
    public Optional<Listing> function(String name) {
        Function f = functions.get(name);
        if (f == null) {
            return Optional.empty();
        }
        Listing s = sections.get(f.section());
        List<Instruction> insns = new ArrayList<>();
        int slot = 0;
        int end = f.slots() == 0 ? s.slotCount() : f.slot() + f.slots();
        for (Instruction in : s.instructions()) {
            if (slot >= f.slot() && slot < end) {
                insns.add(in);
            }
            slot += in.slots();
        }
        return Optional.of(new Listing(
                insns,
                shift(s.labels(), f.slot(), end),
                shift(s.references(), f.slot(), end),
                shift(s.lines(), f.slot(), end)));
    }

    private static <V> Map<Integer, V> shift(Map<Integer, V> m, int from, int end) {
        Map<Integer, V> out = new HashMap<>();
        m.forEach((k, v) -> {
            if (k >= from && k < end) {
                out.put(k - from, v);
            }
        });
        return out;
    }

    /** The functions a function calls by name (bpf-to-bpf, transitively), not including itself. */
    public List<String> callees(String name) {
        List<String> out = new ArrayList<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            String n = todo.pop();
            function(n).ifPresent(l -> l.references().values().forEach(r -> {
                if (r instanceof Reference.FunctionRef fr
                        && !fr.name().equals(name)
                        && !out.contains(fr.name())
                        && functions.containsKey(fr.name())) {
                    out.add(fr.name());
                    todo.push(fr.name());
                }
            }));
        }
        return out;
    }
}
