package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.CoreTypes;
import io.bpf4j.internal.elf.ElfFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the struct_ops variables of an object, as libbpf's {@code init_struct_ops_maps} and
 * {@code bpf_object__collect_st_ops_relos} do: every variable of a {@code .struct_ops} (registered
 * by a map update) or {@code .struct_ops.link} section (registered by a BPF link) becomes a
 * {@link MapType#STRUCT_OPS} map named after the variable, whose value type is the variable's
 * struct in the object's BTF, whose initial bytes are the variable's bytes, and whose slots
 * ({@link LoadPlan.MapPlan#initialSlots()}) map the index of each function-pointer member to the
 * program the section's relocations put there.
 */
final class StructOpsReader {
    /** The section of struct_ops variables registered by updating the map's key 0. */
    static final String SECTION = ".struct_ops";
    /** The section of struct_ops variables registered through BPF_LINK_CREATE. */
    static final String LINK_SECTION = ".struct_ops.link";

    private static final int STT_OBJECT = 1;

    private StructOpsReader() {}

    /**
     * Adds a map for every struct_ops variable of {@code elf} to {@code maps}.
     *
     * @param programs the object's programs, to check that a member points at a struct_ops program
     */
    static void read(
            String file,
            ElfFile elf,
            Btf btf,
            List<Linker.Function> functions,
            List<LoadPlan.ProgramPlan> programs,
            List<LoadPlan.MapPlan> maps) {
        // In the file's section order, as libbpf walks them.
        for (String section : elf.sections().keySet().stream()
                .filter(n -> n.equals(SECTION) || n.equals(LINK_SECTION))
                .toList()) {
            ElfFile.Section sec = elf.sections().get(section);
            if (sec == null) {
                continue;
            }
            boolean link = section.equals(LINK_SECTION);
            byte[] data = sec.data();
            List<ElfFile.Symbol> vars = new ArrayList<>();
            for (ElfFile.Symbol s : elf.symbols()) {
                if (s.section().equals(section)
                        && s.type() == STT_OBJECT
                        && !s.name().isEmpty()) {
                    vars.add(s);
                }
            }
            List<ElfFile.Reloc> relocs = elf.relocations().getOrDefault(section, List.of());
            for (ElfFile.Symbol var : vars) {
                maps.add(map(file, section, link, data, var, btf, relocs, functions, programs));
            }
            for (ElfFile.Reloc r : relocs) {
                if (vars.stream().noneMatch(v -> r.offset() >= v.value() && r.offset() < v.value() + v.size())) {
                    throw new ObjectFormatException(file + ": section " + section + ": relocation at byte offset "
                            + r.offset() + " (to " + r.symbol().name() + ") is in no struct_ops variable");
                }
            }
        }
    }

    private static LoadPlan.MapPlan map(
            String file,
            String section,
            boolean link,
            byte[] data,
            ElfFile.Symbol var,
            Btf btf,
            List<ElfFile.Reloc> relocs,
            List<Linker.Function> functions,
            List<LoadPlan.ProgramPlan> programs) {
        String where = file + ": section " + section + ": struct_ops variable " + var.name();
        int varId = -1;
        for (int id : btf.idsNamed(var.name())) {
            if (btf.kind(id) == CoreTypes.VAR) {
                varId = id;
            }
        }
        if (varId < 0) {
            throw new ObjectFormatException(where + " has no BTF (compile with -g)");
        }
        int type = btf.skipModsAndTypedefs(btf.ref(varId));
        if (btf.kind(type) != CoreTypes.STRUCT) {
            throw new ObjectFormatException(where + " is not a struct but a " + btf.cName(btf.ref(varId)));
        }
        String typeName = btf.name(type);
        if (typeName.isEmpty()) {
            throw new ObjectFormatException(where + " has an anonymous struct type; struct_ops needs the kernel"
                    + " struct's name (e.g. struct tcp_congestion_ops)");
        }
        int size = btf.size(type);
        if (var.size() != size || var.value() < 0 || var.value() + size > data.length) {
            throw new ObjectFormatException(where + ": its symbol (" + var.size() + " bytes at offset " + var.value()
                    + ") does not match its " + size + "-byte type struct " + typeName + " within the "
                    + data.length + "-byte section");
        }
        byte[] init = java.util.Arrays.copyOfRange(data, (int) var.value(), (int) var.value() + size);
        Map<Integer, String> slots = new HashMap<>();
        for (ElfFile.Reloc r : relocs) {
            if (r.offset() < var.value() || r.offset() >= var.value() + size) {
                continue;
            }
            int moff = (int) (r.offset() - var.value());
            int member = -1;
            for (int i = 0; i < btf.vlen(type); i++) {
                if (btf.memberBitOffset(type, i) == moff * 8) {
                    member = i;
                }
            }
            if (member < 0) {
                throw new ObjectFormatException(
                        where + ": relocation at member offset " + moff + " is at no member of struct " + typeName);
            }
            String mname = btf.memberName(type, member);
            int mtype = btf.skipModsAndTypedefs(btf.memberType(type, member));
            if (btf.kind(mtype) != CoreTypes.PTR
                    || btf.kind(btf.skipModsAndTypedefs(btf.ref(mtype))) != CoreTypes.FUNC_PROTO) {
                throw new ObjectFormatException(
                        where + ": member " + mname + " holds a program but is not a" + " function pointer");
            }
            String program = programAt(r.symbol(), functions);
            LoadPlan.ProgramPlan p = programs.stream()
                    .filter(pp -> pp.spec().name().equals(program))
                    .findFirst()
                    .orElseThrow(() -> new ObjectFormatException(where + ": member " + mname + " points at " + program
                            + ", which is not a program of the object (put it in SEC(\"struct_ops/...\"))"));
            if (p.spec().type() != ProgramType.STRUCT_OPS) {
                throw new ObjectFormatException(where + ": member " + mname + " points at program " + program
                        + " of section " + p.spec().sectionName() + ", not a struct_ops program (SEC(\"struct_ops/"
                        + program + "\"))");
            }
            slots.put(member, program);
            // The pointer's bytes in the file are a relocation addend, not data.
            java.util.Arrays.fill(init, moff, moff + 8, (byte) 0);
        }
        MapSpec spec = MapSpec.builder(MapType.STRUCT_OPS)
                .name(var.name())
                .keySize(4)
                .valueSize(size)
                .maxEntries(1)
                .flags(link ? MapFlags.LINK : 0)
                .btfTypeIds(0, type)
                .build();
        return new LoadPlan.MapPlan(var.name(), spec, Optional.of(init), slots, Optional.empty());
    }

    private static String programAt(ElfFile.Symbol sym, List<Linker.Function> functions) {
        if (sym.type() == ElfFile.STT_FUNC) {
            return sym.name();
        }
        for (Linker.Function f : functions) {
            if (f.section().equals(sym.section()) && f.start() == (int) (sym.value() / 8)) {
                return f.name();
            }
        }
        return sym.section() + "+" + sym.value();
    }
}
