package io.bpf4j;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.btf.CoreRawBtf;
import io.bpf4j.btf.CoreRelocation;
import io.bpf4j.btf.CoreTypes;
import io.bpf4j.internal.elf.ElfFile;
import io.bpf4j.internal.sys.Cpus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns a relocatable BPF ELF object into the loader's {@link LoadPlan}: programs typed by their
 * section names, maps from {@code .maps} (BTF) and {@code maps} (legacy), global data sections,
 * {@code .kconfig}/{@code .ksyms} externs, what every relocated instruction refers to, CO-RE
 * records and func/line info. Each step names the section it is reading, so a malformed part is
 * reported where it is.
 */
final class ElfObjectPlanner {
    /** Legacy {@code struct bpf_map_def}: type, key_size, value_size, max_entries, map_flags. */
    private static final int LEGACY_MAP_DEF_SIZE = 20;
    /** Nesting of inner map definitions beyond which a definition is taken as hostile. */
    private static final int MAX_INNER_DEPTH = 4;

    private final ElfFile elf;
    private final String objectName;
    private final Map<Integer, byte[]> data = new HashMap<>();
    private final List<ElfFile.Symbol> symbols;
    private String phase = "headers";

    /** The descriptive parts ObjectSpec shows besides the plan. */
    record Result(LoadPlan plan, String license, int kernelVersion, List<ObjectSpec.GlobalSection> globals) {
    }

    private ElfObjectPlanner(ElfFile elf, String objectName) {
        this.elf = elf;
        this.objectName = objectName;
        this.symbols = elf.symbols();
    }

    static Result plan(ElfFile elf, String objectName) {
        ElfObjectPlanner p = new ElfObjectPlanner(elf.requireBpfObject(), objectName);
        try {
            return p.plan();
        } catch (ObjectFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // BTF and instruction decoders report with IllegalArgumentException and friends; say where.
            throw new ObjectFormatException(elf.source() + ": " + p.phase + ": " + e.getMessage(), e);
        }
    }

    private byte[] bytes(ElfFile.Section s) {
        return data.computeIfAbsent(s.index(), i -> elf.data(s));
    }

    private Optional<byte[]> bytes(String name) {
        return elf.section(name).map(this::bytes);
    }

    private String sectionName(ElfFile.Symbol s) {
        return s.defined() ? elf.section(s.section()).name() : "";
    }

    private Result plan() {
        phase = "section .BTF";
        byte[] rawBtf = bytes(".BTF").orElse(new byte[0]);
        CoreRawBtf btf = rawBtf.length == 0 ? null : CoreRawBtf.parse(rawBtf);

        phase = "section license";
        String license = bytes("license").map(Program::cString).orElse("");
        phase = "section version";
        int kernelVersion = bytes("version").filter(v -> v.length >= 4)
                .map(v -> (v[0] & 0xff) | (v[1] & 0xff) << 8 | (v[2] & 0xff) << 16 | (v[3] & 0xff) << 24).orElse(0);

        Map<String, List<Instruction>> code = new LinkedHashMap<>();
        Map<String, ElfFile.Section> codeSections = new HashMap<>();
        for (ElfFile.Section s : elf.sections()) {
            if (s.index() != 0 && s.executable() && s.size() > 0) {
                phase = "code section " + s.name();
                code.put(s.name(), Instruction.decodeAll(bytes(s)));
                codeSections.put(s.name(), s);
            }
        }

        List<Linker.Function> functions = new ArrayList<>();
        List<LoadPlan.ProgramPlan> programs = new ArrayList<>();
        for (ElfFile.Symbol s : symbols) {
            if (s.type() != ElfFile.STT_FUNC || !s.defined()) {
                continue;
            }
            String sec = sectionName(s);
            if (!code.containsKey(sec)) {
                continue;
            }
            phase = "function " + s.name() + " in section " + sec;
            long secSize = codeSections.get(sec).size();
            if (s.value() % 8 != 0 || s.size() % 8 != 0 || s.value() < 0 || s.size() < 0
                    || s.value() + s.size() > secSize) {
                throw new ObjectFormatException(elf.source() + ": function " + s.name() + " at offset " + s.value()
                        + ", " + s.size() + " bytes, is not whole instructions inside section " + sec + " (" + secSize + " bytes)");
            }
            Linker.Function f = new Linker.Function(s.name(), sec, (int) (s.value() / 8), (int) (s.size() / 8));
            functions.add(f);
            if (!sec.equals(".text")) {
                ProgramSpec spec = SectionTable.spec(s.name(), sec, license, kernelVersion).orElseThrow(() ->
                        new ObjectFormatException(elf.source() + ": program " + s.name() + " is in section \"" + sec
                                + "\", which names no known program type (see libbpf's section names)"));
                programs.add(new LoadPlan.ProgramPlan(spec, f, true));
            }
        }

        List<LoadPlan.MapPlan> maps = new ArrayList<>();
        Set<String> mapSymbols = new HashSet<>();
        phase = "section .maps";
        if (btf != null) {
            btfMaps(btf, maps);
        }
        elf.section(".maps").ifPresent(s -> symbols.stream().filter(sy -> sy.defined() && sy.section() == s.index()
                && sy.type() != ElfFile.STT_SECTION).forEach(sy -> mapSymbols.add(sy.name())));
        phase = "section maps";
        legacyMaps(maps, mapSymbols);

        phase = "global data";
        List<ObjectSpec.GlobalSection> globals = new ArrayList<>();
        for (ElfFile.Section s : elf.sections()) {
            String sec = s.name();
            boolean isData = sec.equals(".data") || sec.startsWith(".data.") || sec.equals(".bss") || sec.startsWith(".bss.")
                    || sec.equals(".rodata") || sec.startsWith(".rodata.");
            if (!isData || s.size() == 0 || s.executable()) {
                continue;
            }
            phase = "global data section " + sec;
            byte[] init = bytes(s).clone();
            List<Integer> ids = btf == null ? List.of() : btf.idsNamed(sec);
            int valueType = ids.isEmpty() ? 0 : ids.get(0);
            maps.add(new LoadPlan.MapPlan(sec, GlobalData.spec(objectName, sec, init.length, valueType),
                    Optional.of(s.type() == ElfFile.SHT_NOBITS ? new byte[0] : init), Map.of(), Optional.empty()));
            List<ObjectSpec.Variable> vars = new ArrayList<>();
            for (ElfFile.Symbol sy : symbols) {
                if (sy.defined() && sy.section() == s.index() && sy.type() == ElfFile.STT_OBJECT) {
                    vars.add(new ObjectSpec.Variable(sy.name(), sy.value(), sy.size()));
                }
            }
            globals.add(new ObjectSpec.GlobalSection(sec, init.length, GlobalData.isReadOnly(sec), vars));
        }

        // Externs: .kconfig variables get offsets in a .kconfig map; .ksyms are resolved at load.
        phase = "externs (.kconfig, .ksyms)";
        Set<String> weak = new HashSet<>();
        for (ElfFile.Symbol sy : symbols) {
            if (sy.section() == 0 && sy.bind() == ElfFile.STB_WEAK) {
                weak.add(sy.name());
            }
        }
        List<LoadPlan.KconfigVar> kconfig = new ArrayList<>();
        Map<String, Integer> kconfigOffset = new HashMap<>();
        List<Ksyms.Extern> ksyms = new ArrayList<>();
        int kconfigSize = 0;
        if (btf != null) {
            List<ObjectSpec.Variable> kvars = new ArrayList<>();
            for (int dsec : btf.idsNamed(".kconfig")) {
                for (int i = 0; i < btf.vlen(dsec); i++) {
                    int var = btf.memberType(dsec, i);
                    String name = btf.name(var);
                    int t = btf.skipModsAndTypedefs(btf.ref(var));
                    int size = (int) btf.resolveSize(t);
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
                    if (size <= 0 || size > 4096) {
                        throw new ObjectFormatException(elf.source() + ": .kconfig extern " + name + " has size " + size);
                    }
                    int align = kind == KconfigExtern.Kind.STRING ? 1 : Math.min(size, 8);
                    kconfigSize = (kconfigSize + align - 1) / align * align;
                    kconfig.add(new LoadPlan.KconfigVar(new KconfigExtern(name, kind, size, signed, weak.contains(name)), kconfigSize));
                    kconfigOffset.put(name, kconfigSize);
                    kvars.add(new ObjectSpec.Variable(name, kconfigSize, size));
                    kconfigSize += size;
                }
            }
            if (!kconfig.isEmpty()) {
                maps.add(new LoadPlan.MapPlan(".kconfig", GlobalData.spec(objectName, ".kconfig", kconfigSize, 0),
                        Optional.of(new byte[kconfigSize]), Map.of(), Optional.empty()));
                globals.add(new ObjectSpec.GlobalSection(".kconfig", kconfigSize, true, kvars));
            }
            for (int dsec : btf.idsNamed(".ksyms")) {
                for (int i = 0; i < btf.vlen(dsec); i++) {
                    int e = btf.memberType(dsec, i);
                    String name = btf.name(e);
                    Ksyms.Kind kind = btf.kind(e) == CoreTypes.FUNC ? Ksyms.Kind.FUNCTION
                            : btf.kind(btf.skipModsAndTypedefs(btf.ref(e))) == CoreTypes.VOID ? Ksyms.Kind.UNTYPED
                            : Ksyms.Kind.TYPED_VARIABLE;
                    ksyms.add(new Ksyms.Extern(name, kind, weak.contains(name)));
                }
            }
        }
        final int kconfigTotal = kconfigSize;

        List<LoadPlan.Reference> refs = references(code, codeSections, kconfigOffset, mapSymbols);

        phase = "section .BTF.ext";
        Map<String, List<CoreRelocation>> core = Map.of();
        List<Linker.Ext<ProgramBtf.FuncInfo>> funcInfos = new ArrayList<>();
        List<Linker.Ext<ProgramBtf.LineInfo>> lineInfos = new ArrayList<>();
        Optional<byte[]> ext = bytes(".BTF.ext");
        if (btf != null && ext.isPresent()) {
            ExtInfoReader er = new ExtInfoReader(elf.source(), ext.get(), btf);
            core = er.coreRelocations();
            for (ExtInfoReader.Record r : er.records(0, 1)) {
                funcInfos.add(new Linker.Ext<>(r.section(), r.slot(), new ProgramBtf.FuncInfo(r.fields()[0])));
            }
            for (ExtInfoReader.Record r : er.records(1, 3)) {
                lineInfos.add(new Linker.Ext<>(r.section(), r.slot(),
                        new ProgramBtf.LineInfo(r.fields()[0], r.fields()[1], r.fields()[2])));
            }
        }

        Map<String, Integer> sectionSizes = new HashMap<>();
        for (ElfFile.Section s : elf.sections()) {
            sectionSizes.putIfAbsent(s.name(), (int) Math.min(Integer.MAX_VALUE, s.size()));
        }
        Map<String, Map<String, Integer>> varOffsets = new HashMap<>();
        for (ElfFile.Symbol s : symbols) {
            if (s.defined()) {
                varOffsets.computeIfAbsent(sectionName(s), k -> new HashMap<>()).putIfAbsent(s.name(), (int) s.value());
            }
        }
        ProgramBtf.Layout layout = new ProgramBtf.Layout() {
            @Override
            public OptionalInt sectionSize(String section) {
                if (section.equals(".kconfig")) {
                    return OptionalInt.of(kconfigTotal);
                }
                Integer n = sectionSizes.get(section);
                return n == null ? OptionalInt.empty() : OptionalInt.of(n);
            }

            @Override
            public OptionalInt variableOffset(String section, String variable) {
                if (section.equals(".kconfig")) {
                    Integer o = kconfigOffset.get(variable);
                    return o == null ? OptionalInt.empty() : OptionalInt.of(o);
                }
                Integer o = varOffsets.getOrDefault(section, Map.of()).get(variable);
                return o == null ? OptionalInt.empty() : OptionalInt.of(o);
            }
        };
        LoadPlan plan = new LoadPlan(objectName, rawBtf, layout, maps, code, functions, refs, core, funcInfos,
                lineInfos, programs, kconfig, ksyms);
        return new Result(plan, license, kernelVersion, globals);
    }

    /** Maps declared in the BTF {@code .maps} DATASEC, with slots of map-in-map and prog arrays from {@code .rel.maps}. */
    private void btfMaps(CoreRawBtf btf, List<LoadPlan.MapPlan> maps) {
        Map<String, Integer> valuesOffset = new HashMap<>();
        int first = maps.size();
        for (int dsec : btf.idsNamed(".maps")) {
            if (btf.kind(dsec) != CoreTypes.DATASEC) {
                continue;
            }
            for (int i = 0; i < btf.vlen(dsec); i++) {
                int var = btf.memberType(dsec, i);
                String name = btf.name(var);
                phase = "section .maps, map " + name;
                int def = btf.skipModsAndTypedefs(btf.ref(var));
                if (!btf.isComposite(def)) {
                    throw new ObjectFormatException(elf.source() + ": section .maps: map " + name
                            + " is not defined by a struct (BTF kind " + btf.kind(def) + ")");
                }
                MapSpec spec = mapDef(btf, def, name, valuesOffset, 0).build();
                maps.add(new LoadPlan.MapPlan(name, spec, Optional.empty(), Map.of(), Optional.empty()));
            }
        }
        Optional<ElfFile.Section> mapsSection = elf.section(".maps");
        if (mapsSection.isEmpty()) {
            return;
        }
        Map<String, Long> at = new HashMap<>();
        for (ElfFile.Symbol sy : symbols) {
            if (sy.defined() && sy.section() == mapsSection.get().index()) {
                at.put(sy.name(), sy.value());
            }
        }
        for (ElfFile.Relocation r : elf.relocations(mapsSection.get())) {
            ElfFile.Symbol target = symbol(r.symbol(), ".rel.maps");
            for (int m = first; m < maps.size(); m++) {
                LoadPlan.MapPlan mp = maps.get(m);
                Long base = at.get(mp.name());
                Integer values = valuesOffset.get(mp.name());
                if (base == null || values == null || r.offset() < base + values) {
                    continue;
                }
                long slot = (r.offset() - base - values) / 8;
                if (slot >= mp.spec().maxEntries()) {
                    continue;
                }
                Map<Integer, String> slots = new HashMap<>(mp.initialSlots());
                slots.put((int) slot, target.name());
                maps.set(m, new LoadPlan.MapPlan(mp.name(), mp.spec(), mp.globalSection(), slots, mp.reuseFd()));
                break;
            }
        }
    }

    /** A BTF map definition: {@code __uint} fields are pointers to arrays whose length is the value. */
    private MapSpec.Builder mapDef(CoreTypes btf, int def, String name, Map<String, Integer> valuesOffset, int depth) {
        if (depth > MAX_INNER_DEPTH) {
            throw new ObjectFormatException(elf.source() + ": section .maps: map " + name + " nests inner maps deeper than "
                    + MAX_INNER_DEPTH);
        }
        Map<String, Integer> ints = new HashMap<>();
        int keyType = 0;
        int valueType = 0;
        MapSpec inner = null;
        for (int i = 0; i < btf.vlen(def); i++) {
            String m = btf.memberName(def, i);
            int t = btf.skipModsAndTypedefs(btf.memberType(def, i));
            switch (m) {
                case "key" -> keyType = btf.ref(requirePtr(btf, t, name, m));
                case "value" -> valueType = btf.ref(requirePtr(btf, t, name, m));
                case "values" -> {
                    valuesOffset.put(name, btf.memberBitOffset(def, i) / 8);
                    if (btf.kind(t) != CoreTypes.ARRAY) {
                        throw new ObjectFormatException(elf.source() + ": section .maps: map " + name
                                + ": member values is not an array");
                    }
                    int elem = btf.skipModsAndTypedefs(btf.arrayElement(t));
                    int target = btf.skipModsAndTypedefs(btf.ref(requirePtr(btf, elem, name, m)));
                    if (btf.isComposite(target)) {
                        inner = mapDef(btf, target, name + ".inner", new HashMap<>(), depth + 1).build();
                    }
                }
                default -> {
                    int arr = btf.skipModsAndTypedefs(btf.ref(requirePtr(btf, t, name, m)));
                    if (btf.kind(arr) != CoreTypes.ARRAY) {
                        throw new ObjectFormatException(elf.source() + ": section .maps: map " + name + ": member " + m
                                + " is not a pointer to an array (an __uint)");
                    }
                    ints.put(m, btf.arrayLength(arr));
                }
            }
        }
        int typeNumber = ints.getOrDefault("type", 0);
        MapType type = MapType.of(typeNumber).orElseThrow(() -> new ObjectFormatException(elf.source()
                + ": section .maps: map " + name + " has unknown map type " + typeNumber));
        int keySize = keyType != 0 ? (int) btf.resolveSize(keyType) : ints.getOrDefault("key_size", 0);
        int valueSize = valueType != 0 ? (int) btf.resolveSize(valueType) : ints.getOrDefault("value_size", 0);
        if (type.isMapInMap() || type == MapType.PROG_ARRAY) {
            valueSize = 4;
        }
        if (type == MapType.PERF_EVENT_ARRAY && ints.getOrDefault("max_entries", 0) == 0) {
            ints.put("max_entries", Cpus.possibleCount());
        }
        if (keySize == 0 && (type == MapType.ARRAY || type == MapType.PERCPU_ARRAY || type == MapType.PROG_ARRAY
                || type == MapType.PERF_EVENT_ARRAY || type.isMapInMap())) {
            keySize = 4;
        }
        MapSpec.Builder b = MapSpec.builder(type).name(name).keySize(keySize).valueSize(valueSize)
                .maxEntries(ints.getOrDefault("max_entries", 0)).flags(ints.getOrDefault("map_flags", 0))
                .btfTypeIds(keyType, valueType);
        if (ints.containsKey("numa_node")) {
            b.numaNode(ints.get("numa_node"));
        }
        if (ints.containsKey("map_extra")) {
            b.mapExtra(ints.get("map_extra"));
        }
        int pinning = ints.getOrDefault("pinning", 0);
        if (pinning == 1) {
            b.pinning(Pinning.BY_NAME);
        } else if (pinning != 0) {
            throw new ObjectFormatException(elf.source() + ": section .maps: map " + name + " has unknown pinning " + pinning);
        }
        if (inner != null) {
            b.innerMap(inner);
        }
        return b;
    }

    private int requirePtr(CoreTypes btf, int t, String map, String member) {
        if (btf.kind(t) != CoreTypes.PTR) {
            throw new ObjectFormatException(elf.source() + ": section .maps: map " + map + ": member " + member
                    + " is not a pointer (BTF kind " + btf.kind(t) + ")");
        }
        return t;
    }

    /** Legacy {@code SEC("maps") struct bpf_map_def}: one 20-byte (or larger) record per symbol. */
    private void legacyMaps(List<LoadPlan.MapPlan> maps, Set<String> mapSymbols) {
        Optional<ElfFile.Section> sec = elf.section("maps");
        if (sec.isEmpty()) {
            return;
        }
        byte[] raw = bytes(sec.get());
        for (ElfFile.Symbol sy : symbols) {
            if (!sy.defined() || sy.section() != sec.get().index() || sy.type() == ElfFile.STT_SECTION) {
                continue;
            }
            if (sy.value() < 0 || sy.value() + LEGACY_MAP_DEF_SIZE > raw.length) {
                throw new ObjectFormatException(elf.source() + ": section maps: map " + sy.name() + " at offset " + sy.value()
                        + " needs " + LEGACY_MAP_DEF_SIZE + " bytes, section has " + raw.length);
            }
            int o = (int) sy.value();
            int typeNumber = le32(raw, o);
            MapType type = MapType.of(typeNumber).orElseThrow(() -> new ObjectFormatException(elf.source()
                    + ": section maps: map " + sy.name() + " has unknown map type " + typeNumber));
            maps.add(new LoadPlan.MapPlan(sy.name(), MapSpec.builder(type).name(sy.name()).keySize(le32(raw, o + 4))
                    .valueSize(le32(raw, o + 8)).maxEntries(le32(raw, o + 12)).flags(le32(raw, o + 16)).build(),
                    Optional.empty(), Map.of(), Optional.empty()));
            mapSymbols.add(sy.name());
        }
    }

    private static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    private ElfFile.Symbol symbol(int index, String where) {
        if (index <= 0 || index >= symbols.size()) {
            throw new ObjectFormatException(elf.source() + ": " + where + ": relocation names symbol " + index
                    + ", outside the symbol table (" + symbols.size() + " entries)");
        }
        return symbols.get(index);
    }

    /** What each relocated instruction refers to; calls within one section need no relocation. */
    private List<LoadPlan.Reference> references(Map<String, List<Instruction>> code, Map<String, ElfFile.Section> sections,
                                                Map<String, Integer> kconfigOffset, Set<String> mapSymbols) {
        List<LoadPlan.Reference> refs = new ArrayList<>();
        for (String sec : code.keySet()) {
            phase = "relocations of section " + sec;
            Map<Integer, Instruction> bySlot = new HashMap<>();
            int slot = 0;
            for (Instruction in : code.get(sec)) {
                bySlot.put(slot, in);
                slot += in.slots();
            }
            Set<Integer> relocated = new HashSet<>();
            for (ElfFile.Relocation r : elf.relocations(sections.get(sec))) {
                String where = "section .rel" + sec + " at offset " + r.offset();
                if (r.offset() % 8 != 0 || !bySlot.containsKey((int) (r.offset() / 8)) || r.offset() < 0) {
                    throw new ObjectFormatException(elf.source() + ": " + where + ": not the start of an instruction in "
                            + sec);
                }
                int at = (int) (r.offset() / 8);
                relocated.add(at);
                Instruction in = bySlot.get(at);
                ElfFile.Symbol sym = symbol(r.symbol(), where);
                String symSec = sectionName(sym);
                boolean call = in.opcode() == (Opcodes.JMP | Opcodes.CALL);
                if (symSec.isEmpty() && kconfigOffset.containsKey(sym.name())) {
                    refs.add(new LoadPlan.MapValueRef(sec, at, ".kconfig", kconfigOffset.get(sym.name())));
                } else if (symSec.isEmpty()) {
                    refs.add(new LoadPlan.KsymRef(sec, at, sym.name()));
                } else if (symSec.equals(".maps") || symSec.equals("maps")) {
                    refs.add(new LoadPlan.MapRef(sec, at, sym.name()));
                } else if (code.containsKey(symSec)) {
                    if (call) {
                        refs.add(new LoadPlan.CallRef(sec, at, symSec, (int) (sym.value() / 8 + in.imm() + 1)));
                    } else {
                        refs.add(new LoadPlan.FuncRef(sec, at, symSec, (int) ((sym.value() + in.imm()) / 8)));
                    }
                } else {
                    refs.add(new LoadPlan.MapValueRef(sec, at, symSec, (int) (sym.value() + in.imm())));
                }
            }
            for (Map.Entry<Integer, Instruction> e : bySlot.entrySet()) {
                Instruction in = e.getValue();
                if (!relocated.contains(e.getKey()) && in.opcode() == (Opcodes.JMP | Opcodes.CALL)
                        && in.src() == Opcodes.PSEUDO_CALL) {
                    refs.add(new LoadPlan.CallRef(sec, e.getKey(), sec, e.getKey() + (int) in.imm() + 1));
                }
            }
        }
        return refs;
    }
}
