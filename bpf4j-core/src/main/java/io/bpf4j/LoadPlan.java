package io.bpf4j;

import io.bpf4j.asm.Instruction;
import io.bpf4j.btf.CoreRelocation;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link ObjectLoader} needs from an object file, already decoded and in ELF-neutral
 * terms: code sections and their functions, what each relocated instruction refers to, maps with
 * their initial contents, CO-RE records, BTF and its ext info, and the programs to load. An
 * {@code ObjectSpec} (with the user's edits) turns into one of these; a test can build one by hand.
 *
 * @param objectName the object's name (file name without {@code .bpf.o}), prefix of global data map names
 * @param btf the object's raw {@code .BTF} section, empty when it has none
 * @param types the object's types, DATASECs laid out (empty without BTF)
 * @param btfLayout section sizes and symbol offsets for the DATASEC fixups of {@code btf}
 * @param maps every map, in object order (global data maps included)
 * @param code every code section's instructions
 * @param functions every function (programs and subprograms) of the code sections
 * @param references what each relocated instruction refers to
 * @param core CO-RE relocations by code section
 * @param funcInfos func_info records by code section slot
 * @param lineInfos line_info records by code section slot
 * @param programs the programs
 * @param kconfig the .kconfig externs and their offsets in the .kconfig map
 * @param ksyms the .ksyms externs
 */
record LoadPlan(
        String objectName,
        byte[] btf,
        Optional<io.bpf4j.btf.Btf> types,
        ProgramBtf.Layout btfLayout,
        List<MapPlan> maps,
        Map<String, List<Instruction>> code,
        List<Linker.Function> functions,
        List<Reference> references,
        Map<String, List<CoreRelocation>> core,
        List<Linker.Ext<ProgramBtf.FuncInfo>> funcInfos,
        List<Linker.Ext<ProgramBtf.LineInfo>> lineInfos,
        List<ProgramPlan> programs,
        List<KconfigVar> kconfig,
        List<KsymExtern> ksyms) {

    /**
     * This plan with a {@code .rodata} (or other global data) variable set, checked against its
     * BTF type.
     *
     * @throws IllegalArgumentException when no data section declares the variable (naming the
     *         ones that exist) or the value does not fit its type
     */
    LoadPlan withConstant(String variable, Object value) {
        java.util.Map<String, VariableSpec> vars = variables();
        VariableSpec v = vars.get(variable);
        if (v == null) {
            throw new IllegalArgumentException("object \"" + objectName + "\" has no global variable " + variable
                    + "; its globals are " + vars.keySet());
        }
        byte[] bytes = Constants.encode(types.orElseThrow(), varId(v), value);
        for (int i = 0; i < maps.size(); i++) {
            MapPlan m = maps.get(i);
            if (!m.name().equals(v.section())) {
                continue;
            }
            byte[] init = java.util.Arrays.copyOf(
                    m.globalSection().orElseThrow(), m.spec().valueSize());
            System.arraycopy(bytes, 0, init, v.offset(), bytes.length);
            java.util.List<MapPlan> edited = new java.util.ArrayList<>(maps);
            edited.set(i, new MapPlan(m.name(), m.spec(), Optional.of(init), m.initialSlots(), m.reuseFd()));
            return new LoadPlan(
                    objectName,
                    btf,
                    types,
                    btfLayout,
                    edited,
                    code,
                    functions,
                    references,
                    core,
                    funcInfos,
                    lineInfos,
                    programs,
                    kconfig,
                    ksyms);
        }
        throw new IllegalArgumentException("object \"" + objectName + "\": variable " + variable + " is in section "
                + v.section() + ", which has no map");
    }

    private int varId(VariableSpec v) {
        io.bpf4j.btf.Btf b = types.orElseThrow();
        for (int id : b.idsNamed(v.name())) {
            if (b.type(id) instanceof io.bpf4j.btf.Type.Var
                    && b.ref(id) == v.type().id()) {
                return id;
            }
        }
        throw new IllegalStateException("variable " + v.name() + " has no BTF VAR");
    }

    /**
     * Every global variable of the data sections (not .maps, .kconfig or .ksyms), by name, in
     * section and offset order, with its initial bytes from the section map's contents.
     */
    java.util.Map<String, VariableSpec> variables() {
        java.util.Map<String, VariableSpec> out = new java.util.LinkedHashMap<>();
        if (types.isEmpty()) {
            return out;
        }
        io.bpf4j.btf.Btf b = types.get();
        for (MapPlan m : maps) {
            if (m.globalSection().isEmpty() || m.name().equals(".kconfig")) {
                continue;
            }
            byte[] init = m.globalSection().get();
            for (int id : b.idsNamed(m.name())) {
                if (!(b.type(id) instanceof io.bpf4j.btf.Type.DataSec d)) {
                    continue;
                }
                for (io.bpf4j.btf.Type.VarSecInfo vs : d.vars()) {
                    if (!(b.type(vs.typeId()) instanceof io.bpf4j.btf.Type.Var var)) {
                        continue;
                    }
                    // Bytes only where the file has them: a .bss section has none (zeros), and nothing is
                    // allocated by the size a variable merely claims.
                    byte[] value = new byte[0];
                    if (init.length > 0 && vs.offset() >= 0 && (long) vs.offset() + vs.size() <= init.length) {
                        value = java.util.Arrays.copyOfRange(init, vs.offset(), vs.offset() + vs.size());
                    }
                    out.putIfAbsent(
                            var.name(),
                            new VariableSpec(
                                    var.name(),
                                    m.name(),
                                    vs.offset(),
                                    vs.size(),
                                    new io.bpf4j.btf.TypeRef(b, var.typeId()),
                                    GlobalData.isReadOnly(m.name()),
                                    var.linkage() == io.bpf4j.btf.Type.VarLinkage.STATIC,
                                    value));
                }
            }
        }
        return out;
    }

    /** Every struct_ops map, by name, in object order. */
    java.util.Map<String, StructOpsSpec> structOps() {
        java.util.Map<String, StructOpsSpec> out = new java.util.LinkedHashMap<>();
        for (MapPlan m : maps) {
            if (m.spec().type() != MapType.STRUCT_OPS
                    || m.spec().btf().isEmpty()
                    || m.spec().btfValueTypeId() == 0) {
                continue;
            }
            io.bpf4j.btf.Btf b = m.spec().btf().get();
            int type = m.spec().btfValueTypeId();
            java.util.Map<String, String> programs = new java.util.LinkedHashMap<>();
            new java.util.TreeMap<>(m.initialSlots()).forEach((i, p) -> programs.put(b.memberName(type, i), p));
            out.put(
                    m.name(),
                    new StructOpsSpec(
                            m.name(),
                            new io.bpf4j.btf.TypeRef(b, type),
                            (m.spec().flags() & MapFlags.LINK) != 0,
                            programs,
                            m.globalSection().orElse(new byte[0])));
        }
        return out;
    }

    /**
     * This plan with one member of struct_ops map {@code map} set: a function pointer member to
     * the struct_ops program named by {@code value} (a String), a data member to {@code value}
     * encoded for its BTF type as {@link #withConstant} encodes.
     *
     * @throws IllegalArgumentException naming the map, member and what was wrong
     */
    LoadPlan withStructOpsMember(String map, String member, Object value) {
        StructOpsSpec so = structOps().get(map);
        if (so == null) {
            throw new IllegalArgumentException("object \"" + objectName + "\" has no struct_ops map \"" + map
                    + "\"; its struct_ops maps are " + structOps().keySet());
        }
        io.bpf4j.btf.Btf b = so.type().btf();
        int type = so.type().id();
        int index = -1;
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < b.vlen(type); i++) {
            names.add(b.memberName(type, i));
            if (b.memberName(type, i).equals(member)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("struct_ops map \"" + map + "\" (struct " + b.name(type)
                    + ") has no member " + member + "; its members are " + names);
        }
        int at = index;
        int mtype = b.skipModsAndTypedefs(b.memberType(type, index));
        if (b.memberBitfieldSize(type, index) != 0) {
            throw new IllegalArgumentException("struct_ops map \"" + map + "\": member " + member + " is a bitfield");
        }
        boolean function = b.kind(mtype) == io.bpf4j.btf.CoreTypes.PTR
                && b.kind(b.skipModsAndTypedefs(b.ref(mtype))) == io.bpf4j.btf.CoreTypes.FUNC_PROTO;
        if (function) {
            if (!(value instanceof String program)) {
                throw new IllegalArgumentException("struct_ops map \"" + map + "\": member " + member
                        + " is a function pointer: give the name of a struct_ops program, not " + value);
            }
            ProgramPlan p = programs.stream()
                    .filter(pp -> pp.spec().name().equals(program))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("struct_ops map \"" + map + "\": member " + member
                            + ": object \"" + objectName + "\" has no program \"" + program + "\""));
            if (p.spec().type() != ProgramType.STRUCT_OPS) {
                throw new IllegalArgumentException("struct_ops map \"" + map + "\": member " + member + ": program \""
                        + program + "\" is a " + p.spec().type() + " program, not STRUCT_OPS");
            }
            return withMap(map, m -> {
                java.util.Map<Integer, String> slots = new java.util.HashMap<>(m.initialSlots());
                slots.put(at, program);
                return new MapPlan(m.name(), m.spec(), m.globalSection(), slots, m.reuseFd());
            });
        }
        byte[] bytes = Constants.encodeType(b, b.memberType(type, index), map + "." + member, value);
        int off = b.memberBitOffset(type, index) / 8;
        return withMap(map, m -> {
            byte[] init = m.globalSection().orElseThrow().clone();
            System.arraycopy(bytes, 0, init, off, bytes.length);
            return new MapPlan(m.name(), m.spec(), Optional.of(init), m.initialSlots(), m.reuseFd());
        });
    }

    /** The bpf-to-bpf calls and function references, for the linker. */
    List<Linker.CodeRef> codeRefs() {
        List<Linker.CodeRef> calls = new java.util.ArrayList<>();
        for (Reference r : references) {
            if (r instanceof CallRef c) {
                calls.add(new Linker.CodeRef(c.section(), c.slot(), c.targetSection(), c.targetSlot()));
            } else if (r instanceof FuncRef f) {
                calls.add(new Linker.CodeRef(f.section(), f.slot(), f.targetSection(), f.targetSlot()));
            }
        }
        return calls;
    }

    /** This plan with one map's spec edited; the edit may not rename the map. */
    LoadPlan withMapSpec(String map, java.util.function.UnaryOperator<MapSpec> edit) {
        return withMap(map, m -> {
            MapSpec changed = java.util.Objects.requireNonNull(edit.apply(m.spec()), "edited spec");
            if (!changed.name().equals(m.spec().name())) {
                throw new IllegalArgumentException(
                        "map \"" + map + "\": an edit may not rename it (to \"" + changed.name() + "\")");
            }
            return new MapPlan(m.name(), changed, m.globalSection(), m.initialSlots(), m.reuseFd());
        });
    }

    /** This plan with one program's plan edited. */
    LoadPlan withProgramPlan(String program, java.util.function.UnaryOperator<ProgramPlan> edit) {
        return withProgram(program, edit);
    }

    /** This plan with a map resized (max_entries). */
    LoadPlan withMaxEntries(String map, int maxEntries) {
        return withMap(
                map,
                m -> new MapPlan(
                        m.name(),
                        m.spec().toBuilder().maxEntries(maxEntries).build(),
                        m.globalSection(),
                        m.initialSlots(),
                        m.reuseFd()));
    }

    /** This plan with a map's pinning changed (pinned maps live in {@link ObjectLoader.Options#pinDirectory()}). */
    LoadPlan withPinning(String map, Pinning pinning) {
        return withMap(
                map,
                m -> new MapPlan(
                        m.name(),
                        m.spec().toBuilder().pinning(pinning).build(),
                        m.globalSection(),
                        m.initialSlots(),
                        m.reuseFd()));
    }

    /** This plan using an existing map (its fd is duplicated; the caller keeps its own). */
    LoadPlan withMapFd(String map, int fd) {
        return withMap(map, m -> new MapPlan(m.name(), m.spec(), m.globalSection(), m.initialSlots(), Optional.of(fd)));
    }

    /** This plan with a program's autoload switched. */
    LoadPlan withAutoload(String program, boolean autoload) {
        return withProgram(program, p -> new ProgramPlan(p.spec(), p.entry(), autoload, p.autoattach(), p.logLevel()));
    }

    /** This plan with a program's type, attach type and target replaced. */
    LoadPlan withProgramType(String program, ProgramType type, Optional<AttachType> attach, String target) {
        return withProgram(program, p -> {
            ProgramSpec.Builder b = ProgramSpec.builder(p.spec().name(), type)
                    .sectionName(p.spec().sectionName())
                    .attachTo(target)
                    .license(p.spec().license())
                    .flags(p.spec().flags())
                    .kernelVersion(p.spec().kernelVersion());
            attach.ifPresent(b::attachType);
            return new ProgramPlan(b.build(), p.entry(), p.autoload(), p.autoattach(), p.logLevel());
        });
    }

    private LoadPlan withMap(String map, java.util.function.UnaryOperator<MapPlan> edit) {
        java.util.List<MapPlan> edited = new java.util.ArrayList<>(maps);
        for (int i = 0; i < edited.size(); i++) {
            if (edited.get(i).name().equals(map)) {
                edited.set(i, edit.apply(edited.get(i)));
                return new LoadPlan(
                        objectName,
                        btf,
                        types,
                        btfLayout,
                        edited,
                        code,
                        functions,
                        references,
                        core,
                        funcInfos,
                        lineInfos,
                        programs,
                        kconfig,
                        ksyms);
            }
        }
        throw new IllegalArgumentException("object \"" + objectName + "\" has no map \"" + map + "\"; its maps are "
                + maps.stream().map(MapPlan::name).toList());
    }

    private LoadPlan withProgram(String program, java.util.function.UnaryOperator<ProgramPlan> edit) {
        java.util.List<ProgramPlan> edited = new java.util.ArrayList<>(programs);
        for (int i = 0; i < edited.size(); i++) {
            if (edited.get(i).spec().name().equals(program)) {
                edited.set(i, edit.apply(edited.get(i)));
                return new LoadPlan(
                        objectName,
                        btf,
                        types,
                        btfLayout,
                        maps,
                        code,
                        functions,
                        references,
                        core,
                        funcInfos,
                        lineInfos,
                        edited,
                        kconfig,
                        ksyms);
            }
        }
        throw new IllegalArgumentException(
                "object \"" + objectName + "\" has no program \"" + program + "\"; its programs are "
                        + programs.stream().map(p -> p.spec().name()).toList());
    }

    /**
     * A map to make.
     *
     * @param name its name in the object (for global data: the section, e.g. {@code .rodata})
     * @param spec what to create
     * @param globalSection for global data: the section's initial bytes; empty for ordinary maps
     * @param initialSlots for map-in-map and program arrays: slot index → name of the map or program to put there
     * @param reuseFd an existing map fd to use instead of creating one
     */
    record MapPlan(
            String name,
            MapSpec spec,
            Optional<byte[]> globalSection,
            Map<Integer, String> initialSlots,
            Optional<Integer> reuseFd) {
        MapPlan {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(spec, "spec");
            initialSlots = Map.copyOf(initialSlots);
        }
    }

    /**
     * A program to load.
     *
     * @param spec its type, attach type, section, attach target, flags, license (instructions are ignored)
     * @param entry where its code starts
     * @param autoload false to skip it
     * @param autoattach false to leave it out of {@code attachAll}
     * @param logLevel its verifier log level (-1: the object's)
     */
    record ProgramPlan(ProgramSpec spec, Linker.Function entry, boolean autoload, boolean autoattach, int logLevel) {
        ProgramPlan(ProgramSpec spec, Linker.Function entry, boolean autoload) {
            this(spec, entry, autoload, true, -1);
        }
    }

    /** A .kconfig extern at {@code offset} in the .kconfig map. */
    record KconfigVar(KconfigExtern extern, int offset) {}

    /** What the instruction at {@code slot} of {@code section} refers to. */
    sealed interface Reference permits MapRef, MapValueRef, CallRef, FuncRef, KsymRef {
        String section();

        int slot();
    }

    /** {@code lddw rX, map}: the map's fd. */
    record MapRef(String section, int slot, String map) implements Reference {}

    /** {@code lddw rX, &global}: a byte offset into the map's single value (global data, .kconfig). */
    record MapValueRef(String section, int slot, String map, int offset) implements Reference {}

    /** A bpf-to-bpf call to {@code targetSlot} of {@code targetSection}. */
    record CallRef(String section, int slot, String targetSection, int targetSlot) implements Reference {}

    /** {@code lddw rX, &function} (a callback). */
    record FuncRef(String section, int slot, String targetSection, int targetSlot) implements Reference {}

    /** A call of a kfunc or an lddw of a kernel symbol. */
    record KsymRef(String section, int slot, String name) implements Reference {}
}
