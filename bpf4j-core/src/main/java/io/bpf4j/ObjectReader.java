package io.bpf4j;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.BtfExt;
import io.bpf4j.btf.CoreRelocation;
import io.bpf4j.btf.CoreTypes;
import io.bpf4j.internal.elf.ElfFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The ELF front end of the loader: turns a clang-built .bpf.o into a {@link LoadPlan}: programs
 * typed by {@link ProgramSections}, BTF-defined maps from {@code .maps} (with inner maps and
 * program-array / map-in-map slots from {@code .rel.maps}), global data sections, {@code .kconfig}
 * and {@code .ksyms} externs, the instruction references that relocations name, and the
 * {@code .BTF.ext} records. It follows libbpf's {@code bpf_object__open} semantics.
 */
final class ObjectReader {
    private static final long SHF_EXECINSTR = ElfFile.SHF_EXECINSTR;
    private static final int STT_FUNC = ElfFile.STT_FUNC;
    private static final int STT_SECTION = ElfFile.STT_SECTION;
    private static final String LEGACY_MAPS = "maps";
    private static final int LEGACY_MAP_DEF_SIZE = 20;
    private static final int STB_GLOBAL = ElfFile.STB_GLOBAL;
    /** The most the .kconfig externs of one object may take: far above any real config string. */
    static final int MAX_KCONFIG_BYTES = 64 * 1024;

    private ObjectReader() {}

    /**
     * Decodes an object file into a load plan.
     *
     * @param file the name used in messages (the path, or a resource name)
     * @param objectName the object's name: prefix of its global data maps
     * @throws ObjectFormatException when the file is malformed or uses something bpf4j cannot read
     */
    static LoadPlan plan(String file, String objectName, byte[] object) {
        try {
            return read(file, objectName, object);
        } catch (ObjectFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // A malformed .BTF or instruction stream surfaces here; name the file, keep the cause.
            throw new ObjectFormatException(file + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    private static LoadPlan read(String file, String objectName, byte[] object) {
        ElfFile elf = ElfFile.readBpfObject(file, object);
        byte[] rawBtf = elf.data(".BTF") == null ? new byte[0] : elf.data(".BTF");
        // Objects built without -g have no .BTF: read them against an empty type table, so
        // programs, legacy maps and global data still come through (BTF-defined maps need -g).
        Btf btf;
        try {
            btf = Btf.parse(rawBtf.length > 0 ? rawBtf : emptyBtf());
        } catch (BtfException e) {
            throw new ObjectFormatException(file + ": section .BTF: " + e.getMessage());
        }
        String license = "GPL";
        byte[] lic = elf.data("license");
        if (lic != null) {
            license = Program.cString(lic);
        }
        int kernelVersion = 0;
        byte[] version = elf.data("version");
        if (version != null && version.length >= 4) {
            kernelVersion = java.nio.ByteBuffer.wrap(version)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .getInt();
        }

        Map<String, List<Instruction>> code = new LinkedHashMap<>();
        for (ElfFile.Section s : elf.sections().values()) {
            if ((s.flags() & SHF_EXECINSTR) != 0 && s.data().length > 0) {
                try {
                    code.put(s.name(), Instruction.decodeAll(s.data()));
                } catch (IllegalArgumentException e) {
                    throw new ObjectFormatException(file + ": section " + s.name() + ": " + e.getMessage());
                }
            }
        }
        List<Linker.Function> functions = new ArrayList<>();
        List<LoadPlan.ProgramPlan> programs = new ArrayList<>();
        for (ElfFile.Symbol s : elf.symbols()) {
            if (s.type() == STT_FUNC && code.containsKey(s.section())) {
                Linker.Function f =
                        new Linker.Function(s.name(), s.section(), (int) (s.value() / 8), (int) (s.size() / 8));
                functions.add(f);
                if (!s.section().equals(".text") && s.bind() == STB_GLOBAL) {
                    ProgramSpec spec = ProgramSections.spec(s.name(), s.section(), license, file);
                    if (kernelVersion != 0) {
                        spec = spec.toBuilder().kernelVersion(kernelVersion).build();
                    }
                    programs.add(new LoadPlan.ProgramPlan(spec, f, true));
                }
            }
        }

        // Maps from .maps, then global data sections.
        List<LoadPlan.MapPlan> maps = new ArrayList<>();
        Map<String, Integer> mapVarOffset = new HashMap<>();
        Map<String, Integer> valuesMemberOffset = new HashMap<>();
        for (int dsec : btf.idsNamed(".maps")) {
            for (int i = 0; i < btf.vlen(dsec); i++) {
                int var = btf.memberType(dsec, i);
                String name = btf.name(var);
                int def = btf.skipModsAndTypedefs(btf.ref(var));
                if (!btf.isComposite(def)) {
                    throw new ObjectFormatException(file + ": section .maps: map " + name + " is not a struct in BTF");
                }
                MapSpec.Builder mb = mapDef(file, btf, def, name, valuesMemberOffset);
                maps.add(new LoadPlan.MapPlan(name, mb.build(), Optional.empty(), Map.of(), Optional.empty()));
                elf.symbols().stream()
                        .filter(sy -> sy.name().equals(name) && sy.section().equals(".maps"))
                        .findFirst()
                        .ifPresent(sy -> mapVarOffset.put(name, (int) sy.value()));
            }
        }
        legacyMaps(file, elf, maps);
        StructOpsReader.read(file, elf, btf, functions, programs, maps);
        // Slots of map-in-map and program arrays from .rel.maps.
        for (ElfFile.Reloc r : elf.relocations().getOrDefault(".maps", List.of())) {
            for (int m = 0; m < maps.size(); m++) {
                LoadPlan.MapPlan mp = maps.get(m);
                Integer at = mapVarOffset.get(mp.name());
                Integer values = valuesMemberOffset.get(mp.name());
                if (at == null || values == null || r.offset() < at + values) {
                    continue;
                }
                int slot = (int) ((r.offset() - at - values) / 8);
                if (slot >= mp.spec().maxEntries()) {
                    continue;
                }
                Map<Integer, String> slots = new HashMap<>(mp.initialSlots());
                slots.put(slot, r.symbol().name());
                maps.set(m, new LoadPlan.MapPlan(mp.name(), mp.spec(), mp.globalSection(), slots, mp.reuseFd()));
                break;
            }
        }
        List<String> dataSections = new ArrayList<>();
        for (String sec : elf.sections().keySet()) {
            boolean data = sec.equals(".data")
                    || sec.startsWith(".data.")
                    || sec.equals(".bss")
                    || sec.startsWith(".bss.")
                    || sec.equals(".rodata")
                    || sec.startsWith(".rodata.");
            if (!data || elf.size(sec) <= 0) {
                continue;
            }
            dataSections.add(sec);
        }

        // Externs: .kconfig variables get offsets in a .kconfig map; .ksyms are resolved at load.
        List<LoadPlan.KconfigVar> kconfig = new ArrayList<>();
        Map<String, Integer> kconfigOffset = new HashMap<>();
        List<KsymExtern> ksyms = new ArrayList<>();
        java.util.Set<String> weak = new java.util.HashSet<>();
        for (ElfFile.Symbol sy : elf.symbols()) {
            if (sy.section().isEmpty() && sy.bind() == 2 /* STB_WEAK */) {
                weak.add(sy.name());
            }
        }
        // As libbpf lays out the .kconfig map: externs sorted by alignment (largest first), then
        // size (smallest first), then name, each at the next offset its alignment allows.
        record KcfgDecl(KconfigExtern extern, int align) {}
        List<KcfgDecl> decls = new ArrayList<>();
        for (int dsec : btf.idsNamed(".kconfig")) {
            for (int i = 0; i < btf.vlen(dsec); i++) {
                int var = btf.memberType(dsec, i);
                String name = btf.name(var);
                int t = btf.skipModsAndTypedefs(btf.ref(var));
                long claimed = btf.resolveSize(t);
                if (claimed > MAX_KCONFIG_BYTES) {
                    throw new ObjectFormatException(file + ": section .kconfig: extern " + name + " takes " + claimed
                            + " bytes, more than the " + MAX_KCONFIG_BYTES + " bpf4j allows (a kconfig value is a"
                            + " number or a short string)");
                }
                int size = (int) claimed;
                KconfigExtern.Kind kind;
                boolean signed = false;
                if (btf.kind(t) == CoreTypes.ARRAY) {
                    kind = KconfigExtern.Kind.STRING;
                } else if (btf.isEnum(t)) {
                    kind = KconfigExtern.Kind.TRISTATE;
                } else if (btf.name(t).equals("_Bool") || btf.name(t).equals("bool")) {
                    kind = KconfigExtern.Kind.BOOL;
                } else if (btf.name(t).equals("char")) {
                    kind = KconfigExtern.Kind.CHAR;
                } else {
                    kind = KconfigExtern.Kind.INT;
                    signed = btf.intSigned(t);
                }
                int align = kind == KconfigExtern.Kind.STRING ? 1 : Math.max(1, Math.min(size, 8));
                decls.add(new KcfgDecl(new KconfigExtern(name, kind, size, signed, weak.contains(name)), align));
            }
        }
        // One lambda, not Comparator.comparingInt(..).thenComparing(..): those spin classes at start-up.
        decls.sort((a, b) -> a.align() != b.align()
                ? Integer.compare(b.align(), a.align())
                : a.extern().size() != b.extern().size()
                        ? Integer.compare(a.extern().size(), b.extern().size())
                        : a.extern().name().compareTo(b.extern().name()));
        int kconfigSize = 0;
        for (KcfgDecl d : decls) {
            kconfigSize = (kconfigSize + d.align() - 1) / d.align() * d.align();
            kconfig.add(new LoadPlan.KconfigVar(d.extern(), kconfigSize));
            kconfigOffset.put(d.extern().name(), kconfigSize);
            kconfigSize += d.extern().size();
        }
        if (kconfigSize > MAX_KCONFIG_BYTES) {
            throw new ObjectFormatException(file + ": section .kconfig: its externs take " + kconfigSize
                    + " bytes, more than the " + MAX_KCONFIG_BYTES + " bpf4j allows (a kconfig value is a"
                    + " number or a short string)");
        }
        for (int dsec : btf.idsNamed(".ksyms")) {
            for (int i = 0; i < btf.vlen(dsec); i++) {
                int e = btf.memberType(dsec, i);
                String name = btf.name(e);
                KsymExtern.Kind kind = btf.kind(e) == CoreTypes.FUNC
                        ? KsymExtern.Kind.FUNCTION
                        : btf.kind(btf.skipModsAndTypedefs(btf.ref(e))) == CoreTypes.VOID
                                ? KsymExtern.Kind.UNTYPED
                                : KsymExtern.Kind.TYPED_VARIABLE;
                ksyms.add(new KsymExtern(name, kind, weak.contains(name)));
            }
        }
        final int kconfigTotal = kconfigSize;

        // Instruction references.
        List<LoadPlan.Reference> refs = new ArrayList<>();
        for (String sec : code.keySet()) {
            List<Instruction> insns = code.get(sec);
            // By slot, in arrays: objects have hundreds of thousands of instructions.
            Instruction[] bySlot = new Instruction[Instruction.slotCount(insns)];
            int slot = 0;
            for (Instruction in : insns) {
                bySlot[slot] = in;
                slot += in.slots();
            }
            boolean[] relocated = new boolean[bySlot.length];
            for (ElfFile.Reloc r : elf.relocations().getOrDefault(sec, List.of())) {
                long atSlot = r.offset() / 8;
                Instruction in = atSlot >= 0 && atSlot < bySlot.length ? bySlot[(int) atSlot] : null;
                if (in == null || r.offset() % 8 != 0) {
                    throw new ObjectFormatException(file + ": section " + sec + ": relocation at byte offset "
                            + r.offset() + " is not at an instruction");
                }
                int at = (int) atSlot;
                relocated[at] = true;
                ElfFile.Symbol sym = r.symbol();
                boolean call = in.opcode() == (Opcodes.JMP | Opcodes.CALL);
                if (sym.section().isEmpty() && kconfigOffset.containsKey(sym.name())) {
                    refs.add(new LoadPlan.MapValueRef(sec, at, ".kconfig", kconfigOffset.get(sym.name())));
                } else if (sym.section().isEmpty()) {
                    refs.add(new LoadPlan.KsymRef(sec, at, sym.name()));
                } else if (sym.section().equals(".maps") || sym.section().equals(LEGACY_MAPS)) {
                    refs.add(new LoadPlan.MapRef(sec, at, sym.name()));
                } else if (code.containsKey(sym.section())) {
                    if (call) {
                        refs.add(new LoadPlan.CallRef(sec, at, sym.section(), (int) (sym.value() / 8 + in.imm() + 1)));
                    } else {
                        refs.add(new LoadPlan.FuncRef(sec, at, sym.section(), (int) ((sym.value() + in.imm()) / 8)));
                    }
                } else if (!sym.section().isEmpty()) {
                    int off = (int) (sym.value() + in.imm());
                    refs.add(new LoadPlan.MapValueRef(sec, at, sym.section(), off));
                }
            }
            // Calls inside one section need no relocation: the offset is already relative.
            for (int at = 0; at < bySlot.length; at++) {
                Instruction in = bySlot[at];
                if (in != null
                        && !relocated[at]
                        && in.opcode() == (Opcodes.JMP | Opcodes.CALL)
                        && in.src() == Opcodes.PSEUDO_CALL) {
                    refs.add(new LoadPlan.CallRef(sec, at, sec, at + in.imm() + 1));
                }
            }
        }

        byte[] ext = elf.data(".BTF.ext");
        Map<String, List<CoreRelocation>> core = Map.of();
        List<Linker.Ext<ProgramBtf.FuncInfo>> funcInfos = new ArrayList<>();
        List<Linker.Ext<ProgramBtf.LineInfo>> lineInfos = new ArrayList<>();
        if (ext != null && rawBtf.length > 0) {
            BtfExt info;
            try {
                info = BtfExt.parse(ext, btf);
            } catch (BtfException e) {
                throw new ObjectFormatException(file + ": section .BTF.ext: " + e.getMessage());
            }
            core = info.coreRelocations();
            info.funcInfos()
                    .forEach((sec, list) -> list.forEach(f ->
                            funcInfos.add(new Linker.Ext<>(sec, f.insnOffset(), new ProgramBtf.FuncInfo(f.typeId())))));
            info.lineInfos()
                    .forEach((sec, list) -> list.forEach(l -> lineInfos.add(new Linker.Ext<>(
                            sec,
                            l.insnOffset(),
                            new ProgramBtf.LineInfo(
                                    l.fileNameOffset(), l.lineOffset(), l.lineNum() << 10 | l.col())))));
        }
        checkReferences(file, refs, ksyms, core, btf);
        annotate(code, functions, refs, funcInfos, lineInfos, rawBtf.length > 0 ? btf : null);
        java.util.Set<String> hidden = new java.util.HashSet<>();
        for (ElfFile.Symbol sy : elf.symbols()) {
            if (sy.type() == 2 /* STT_FUNC */ && sy.hidden()) {
                hidden.add(sy.name());
            }
        }
        ProgramBtf.Layout layout = new ProgramBtf.Layout() {
            @Override
            public OptionalInt sectionSize(String section) {
                if (section.equals(".kconfig")) {
                    return OptionalInt.of(kconfigTotal);
                }
                long size = elf.size(section);
                return size < 0 ? OptionalInt.empty() : OptionalInt.of((int) size);
            }

            @Override
            public OptionalInt variableOffset(String section, String variable) {
                if (section.equals(".kconfig")) {
                    return OptionalInt.of(kconfigOffset.get(variable));
                }
                Integer at = symbolValues().get(section + '\0' + variable);
                return at == null ? OptionalInt.empty() : OptionalInt.of(at);
            }

            private Map<String, Integer> symbolValues;

            // Every symbol's value by section and name (the first wins), built on first use: one pass, not one per
            // variable.
            private Map<String, Integer> symbolValues() {
                Map<String, Integer> m = symbolValues;
                if (m == null) {
                    m = new HashMap<>();
                    for (ElfFile.Symbol sy : elf.symbols()) {
                        m.putIfAbsent(sy.section() + '\0' + sy.name(), (int) sy.value());
                    }
                    symbolValues = m;
                }
                return m;
            }

            @Override
            public java.util.Set<String> hiddenFunctions() {
                return hidden;
            }
        };
        Optional<Btf> types = rawBtf.length == 0 ? Optional.empty() : Optional.of(laidOut(btf, layout));
        for (int i = 0; i < maps.size(); i++) {
            LoadPlan.MapPlan m = maps.get(i);
            MapSpec.Builder b = m.spec().toBuilder();
            types.ifPresent(b::btf);
            maps.set(i, new LoadPlan.MapPlan(m.name(), b.build(), m.globalSection(), m.initialSlots(), m.reuseFd()));
        }
        // Global data maps, one per section, as libbpf names, flags and types them; .bss has no
        // bytes in the file (the kernel zeroes a new array), so none are kept for it.
        for (String sec : dataSections) {
            byte[] init = sec.startsWith(".bss") ? new byte[0] : elf.data(sec).clone();
            maps.add(new LoadPlan.MapPlan(
                    sec,
                    GlobalData.spec(objectName, sec, (int) elf.size(sec), types),
                    Optional.of(init),
                    Map.of(),
                    Optional.empty()));
        }
        if (!kconfig.isEmpty()) {
            maps.add(new LoadPlan.MapPlan(
                    ".kconfig",
                    GlobalData.spec(objectName, ".kconfig", kconfigTotal, types),
                    Optional.of(new byte[0]),
                    Map.of(),
                    Optional.empty()));
        }
        return new LoadPlan(
                objectName,
                rawBtf,
                types,
                layout,
                maps,
                code,
                functions,
                refs,
                core,
                funcInfos,
                lineInfos,
                programs,
                kconfig,
                ksyms);
    }

    /** A BTF blob with no types and only the empty string: header (24 bytes) plus one NUL. */
    private static byte[] emptyBtf() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(25).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f)
                .put((byte) 1)
                .put((byte) 0)
                .putInt(24)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(1);
        return b.array();
    }

    /**
     * The pre-BTF form: a section named "maps" of struct bpf_map_def records (type, key_size,
     * value_size, max_entries, map_flags; u32 each), one per object symbol defined in it.
     */
    private static void legacyMaps(String file, ElfFile elf, List<LoadPlan.MapPlan> maps) {
        byte[] data = elf.data(LEGACY_MAPS);
        if (data == null) {
            return;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (ElfFile.Symbol sym : elf.symbols()) {
            if (!sym.section().equals(LEGACY_MAPS)
                    || sym.type() == STT_SECTION
                    || sym.name().isEmpty()) {
                continue;
            }
            if (sym.value() < 0 || sym.value() > data.length - LEGACY_MAP_DEF_SIZE) {
                throw new ObjectFormatException(
                        file + ": section maps: map " + sym.name() + " at byte offset " + sym.value() + " needs "
                                + LEGACY_MAP_DEF_SIZE + " bytes of the " + data.length + "-byte section");
            }
            int at = (int) sym.value();
            int rawType = b.getInt(at);
            MapType type = MapType.of(rawType)
                    .orElseThrow(() -> new ObjectFormatException(file
                            + ": section maps: map " + sym.name() + " at byte offset " + at + " has map type " + rawType
                            + ", unknown to bpf4j"));
            MapSpec spec = MapSpec.builder(type)
                    .name(sym.name())
                    .keySize(b.getInt(at + 4))
                    .valueSize(b.getInt(at + 8))
                    .maxEntries(b.getInt(at + 12))
                    .flags(b.getInt(at + 16))
                    .build();
            maps.add(new LoadPlan.MapPlan(sym.name(), spec, Optional.empty(), Map.of(), Optional.empty()));
        }
    }

    /**
     * Puts each instruction's meaning into its metadata: the function starting at it, what its
     * relocation names (map, global, function, kernel symbol) and its source line.
     */
    @SuppressWarnings("IfChainToSwitch") // a type switch spins a class at start-up; see below
    private static void annotate(
            Map<String, List<Instruction>> code,
            List<Linker.Function> functions,
            List<LoadPlan.Reference> refs,
            List<Linker.Ext<ProgramBtf.FuncInfo>> funcInfos,
            List<Linker.Ext<ProgramBtf.LineInfo>> lineInfos,
            Btf btf) {
        // Per section, the metadata of each slot (null: none yet).
        Map<String, io.bpf4j.asm.Metadata[]> meta = new HashMap<>();
        code.forEach((sec, insns) -> meta.put(sec, new io.bpf4j.asm.Metadata[Instruction.slotCount(insns)]));
        java.util.function.BiFunction<String, Integer, io.bpf4j.asm.Metadata> at = (sec, slot) -> {
            io.bpf4j.asm.Metadata[] m = meta.get(sec);
            io.bpf4j.asm.Metadata found = m == null || slot < 0 || slot >= m.length ? null : m[slot];
            return found == null ? io.bpf4j.asm.Metadata.NONE : found;
        };
        java.util.function.BiConsumer<Linker.Ext<?>, io.bpf4j.asm.Metadata> put = (e, m) -> {
            io.bpf4j.asm.Metadata[] ms = meta.get(e.section());
            if (ms != null && e.slot() >= 0 && e.slot() < ms.length) {
                ms[e.slot()] = m;
            }
        };
        Map<String, java.util.NavigableMap<Integer, Linker.Function>> starts = new HashMap<>();
        for (Linker.Function f : functions) {
            starts.computeIfAbsent(f.section(), k -> new java.util.TreeMap<>()).putIfAbsent(f.start(), f);
            put.accept(
                    new Linker.Ext<>(f.section(), f.start(), null),
                    at.apply(f.section(), f.start()).withSymbol(f.name()));
        }
        for (LoadPlan.Reference r : refs) {
            // instanceof, not a pattern switch: each type switch spins a class at its first run, which
            // a short-lived tool pays at start-up and the AOT cache does not keep.
            io.bpf4j.asm.Metadata.Reference ref;
            if (r instanceof LoadPlan.MapRef m) {
                ref = new io.bpf4j.asm.Metadata.MapReference(m.map());
            } else if (r instanceof LoadPlan.MapValueRef m) {
                ref = new io.bpf4j.asm.Metadata.MapValueReference(m.map(), m.offset());
            } else if (r instanceof LoadPlan.CallRef c) {
                ref = new io.bpf4j.asm.Metadata.FunctionReference(
                        functionName(starts, c.targetSection(), c.targetSlot()));
            } else if (r instanceof LoadPlan.FuncRef c) {
                ref = new io.bpf4j.asm.Metadata.FunctionReference(
                        functionName(starts, c.targetSection(), c.targetSlot()));
            } else if (r instanceof LoadPlan.KsymRef k) {
                ref = new io.bpf4j.asm.Metadata.KernelSymbolReference(k.name());
            } else {
                throw new IllegalStateException("a reference of unknown kind: " + r);
            }
            put.accept(
                    new Linker.Ext<>(r.section(), r.slot(), null),
                    at.apply(r.section(), r.slot()).withReference(ref));
        }
        for (Linker.Ext<ProgramBtf.FuncInfo> f : funcInfos) {
            put.accept(
                    f, at.apply(f.section(), f.slot()).withFuncTypeId(f.record().typeId()));
        }
        if (btf != null) {
            for (Linker.Ext<ProgramBtf.LineInfo> l : lineInfos) {
                ProgramBtf.LineInfo li = l.record();
                io.bpf4j.asm.Metadata.SourceLine line = new io.bpf4j.asm.Metadata.SourceLine(
                        btf.string(li.fileNameOff()), li.line(), li.column(), btf.string(li.lineOff()));
                put.accept(l, at.apply(l.section(), l.slot()).withLine(line));
            }
        }
        meta.forEach((sec, bySlot) -> {
            List<Instruction> insns = code.get(sec);
            List<Instruction> out = new ArrayList<>(insns.size());
            int slot = 0;
            for (Instruction in : insns) {
                io.bpf4j.asm.Metadata m = bySlot[slot];
                if (m != null && m.reference().orElse(null) instanceof io.bpf4j.asm.Metadata.FunctionReference) {
                    // What clang means by the relocation, set in the bits as the loader sends them.
                    in = in.isLoadImm64() ? in.withSrc(Opcodes.PSEUDO_FUNC) : in.withSrc(Opcodes.PSEUDO_CALL);
                }
                out.add(m == null ? in : in.withMetadata(m));
                slot += in.slots();
            }
            code.put(sec, out);
        });
    }

    /**
     * What the loader would otherwise trip over at load, refused now with the place named: a
     * relocation to an undefined symbol that no {@code .ksyms} (or {@code .kconfig}) declares, and a
     * CO-RE relocation on a type the object's BTF does not have.
     */
    private static void checkReferences(
            String file,
            List<LoadPlan.Reference> refs,
            List<KsymExtern> ksyms,
            Map<String, List<CoreRelocation>> core,
            Btf btf) {
        java.util.Set<String> declared = new java.util.HashSet<>();
        ksyms.forEach(k -> declared.add(k.name()));
        for (LoadPlan.Reference r : refs) {
            if (r instanceof LoadPlan.KsymRef k && !declared.contains(k.name())) {
                throw new ObjectFormatException(file + ": section " + k.section() + " offset " + k.slot() * 8
                        + ": refers to undefined symbol " + k.name() + ", which is neither a __kconfig nor a __ksym"
                        + " extern (declare it with one of them, or define it)");
            }
        }
        core.forEach((section, relos) -> {
            for (CoreRelocation c : relos) {
                if (c.typeId() <= 0 || c.typeId() >= btf.typeCount()) {
                    throw new ObjectFormatException(file + ": section .BTF.ext: the CO-RE relocation of " + section
                            + " offset " + c.slot() * 8 + " names type " + c.typeId() + ", which the object's BTF"
                            + " (types 1.." + (btf.typeCount() - 1) + ") does not have");
                }
            }
        });
    }

    /** The object's types with every DATASEC sized and its variables placed, as libbpf fixes them at open. */
    private static Btf laidOut(Btf btf, ProgramBtf.Layout layout) {
        Map<String, Long> sizes = new HashMap<>();
        Map<String, Map<String, Long>> offsets = new HashMap<>();
        for (int id = btf.firstOwnId(); id < btf.typeCount(); id++) {
            // The kind from the record's header, so that only DATASECs are decoded (not every type).
            if (btf.kind(id) != io.bpf4j.btf.CoreTypes.DATASEC
                    || !(btf.type(id) instanceof io.bpf4j.btf.Type.DataSec d)
                    || d.name().equals(".ksyms")) {
                continue;
            }
            layout.sectionSize(d.name()).ifPresent(n -> sizes.put(d.name(), (long) n));
            Map<String, Long> vars = new HashMap<>();
            for (io.bpf4j.btf.Type.VarSecInfo v : d.vars()) {
                String var = btf.name(v.typeId());
                layout.variableOffset(d.name(), var).ifPresent(o -> vars.put(var, (long) o));
            }
            offsets.put(d.name(), vars);
        }
        return btf.withDataSecLayout(sizes, offsets);
    }

    private static String functionName(
            Map<String, java.util.NavigableMap<Integer, Linker.Function>> starts, String section, int slot) {
        java.util.NavigableMap<Integer, Linker.Function> inSection = starts.get(section);
        Map.Entry<Integer, Linker.Function> f = inSection == null ? null : inSection.floorEntry(slot);
        return f != null && f.getValue().contains(section, slot) ? f.getValue().name() : section + "+" + slot * 8;
    }

    private static MapSpec.Builder mapDef(
            String file, CoreTypes btf, int def, String name, Map<String, Integer> valuesOffset) {
        Map<String, Integer> ints = new HashMap<>();
        Map<String, Long> longs = new HashMap<>();
        int keyType = 0;
        int valueType = 0;
        MapSpec inner = null;
        for (int i = 0; i < btf.vlen(def); i++) {
            String m = btf.memberName(def, i);
            int t = btf.skipModsAndTypedefs(btf.memberType(def, i));
            switch (m) {
                case "key" -> keyType = btf.ref(t);
                case "value" -> valueType = btf.ref(t);
                case "values" -> {
                    valuesOffset.put(name, btf.memberBitOffset(def, i) / 8);
                    int elem = btf.skipModsAndTypedefs(btf.arrayElement(t));
                    int target = btf.skipModsAndTypedefs(btf.ref(elem));
                    if (btf.isComposite(target)) {
                        inner = mapDef(file, btf, target, name + ".inner", new HashMap<>())
                                .build();
                    }
                }
                default -> {
                    if (btf.kind(t) == CoreTypes.PTR) {
                        int arr = btf.skipModsAndTypedefs(btf.ref(t));
                        ints.put(m, btf.arrayLength(arr));
                    } else if (btf.isEnum(t) && btf.vlen(t) == 1) {
                        // libbpf's __ulong(name, value): an anonymous one-value enum carries 64 bits.
                        longs.put(m, btf.enumValue(t, 0));
                    }
                }
            }
        }
        int rawType = ints.getOrDefault("type", 0);
        MapType type = MapType.of(rawType)
                .orElseThrow(() -> new ObjectFormatException(
                        file + ": section .maps: map " + name + " has map type " + rawType + ", unknown to bpf4j"));
        int keySize = keyType != 0 ? (int) btf.resolveSize(keyType) : ints.getOrDefault("key_size", 0);
        int valueSize = valueType != 0 ? (int) btf.resolveSize(valueType) : ints.getOrDefault("value_size", 0);
        if (type.isMapInMap() || type == MapType.PROG_ARRAY) {
            valueSize = 4;
        }
        // A PERF_EVENT_ARRAY without max_entries stays 0 here: it gets one slot per possible CPU
        // when it is created (a spec must not depend on the machine it was read on).
        if (keySize == 0
                && (type == MapType.ARRAY
                        || type == MapType.PERCPU_ARRAY
                        || type == MapType.PROG_ARRAY
                        || type == MapType.PERF_EVENT_ARRAY
                        || type.isMapInMap())) {
            keySize = 4;
        }
        MapSpec.Builder b = MapSpec.builder(type)
                .name(name)
                .keySize(keySize)
                .valueSize(valueSize)
                .maxEntries(ints.getOrDefault("max_entries", 0))
                .flags(ints.getOrDefault("map_flags", 0))
                .btfTypeIds(keyType, valueType);
        if (ints.containsKey("numa_node")) {
            b.numaNode(ints.get("numa_node"));
        }
        if (longs.containsKey("map_extra")) {
            b.mapExtra(longs.get("map_extra"));
        } else if (ints.containsKey("map_extra")) {
            b.mapExtra(Integer.toUnsignedLong(ints.get("map_extra")));
        }
        if (ints.getOrDefault("pinning", 0) == 1) {
            b.pinning(Pinning.BY_NAME);
        }
        if (inner != null) {
            b.innerMap(inner);
        } else if (type.isMapInMap() && !name.endsWith(".inner")) {
            // libbpf refuses it too: the kernel needs an inner map to create a map of maps.
            throw new ObjectFormatException(file + ": section .maps: map " + name + " is a " + type
                    + " without an inner map definition (declare __array(values, struct { ... }))");
        }
        return b;
    }
}
