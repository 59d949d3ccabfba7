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
record LoadPlan(String objectName, byte[] btf, ProgramBtf.Layout btfLayout, List<MapPlan> maps,
                Map<String, List<Instruction>> code, List<Linker.Function> functions, List<Reference> references,
                Map<String, List<CoreRelocation>> core, List<Linker.Ext<ProgramBtf.FuncInfo>> funcInfos,
                List<Linker.Ext<ProgramBtf.LineInfo>> lineInfos, List<ProgramPlan> programs,
                List<KconfigVar> kconfig, List<Ksyms.Extern> ksyms) {

    /**
     * This plan with a {@code .rodata} (or other global data) variable set, checked against its
     * BTF type.
     *
     * @throws IllegalArgumentException when no data section declares the variable (naming the
     *         ones that exist) or the value does not fit its type
     */
    LoadPlan withConstant(String variable, Object value) {
        io.bpf4j.btf.Btf types = io.bpf4j.btf.Btf.parse(btf);
        java.util.List<String> known = new java.util.ArrayList<>();
        for (int i = 0; i < maps.size(); i++) {
            MapPlan m = maps.get(i);
            if (m.globalSection().isEmpty() || m.name().equals(".kconfig")) {
                continue;
            }
            for (int dsec : types.idsNamed(m.name())) {
                for (int e = 0; e < types.vlen(dsec); e++) {
                    int var = types.memberType(dsec, e);
                    known.add(types.name(var));
                    if (!types.name(var).equals(variable)) {
                        continue;
                    }
                    byte[] bytes = Constants.encode(types, var, value);
                    int offset = btfLayout.variableOffset(m.name(), variable).orElseThrow(() ->
                            new IllegalArgumentException("constant " + variable + " has no symbol in " + m.name()));
                    byte[] init = m.globalSection().get().length == 0 ? new byte[m.spec().valueSize()]
                            : m.globalSection().get().clone();
                    System.arraycopy(bytes, 0, init, offset, bytes.length);
                    java.util.List<MapPlan> edited = new java.util.ArrayList<>(maps);
                    edited.set(i, new MapPlan(m.name(), m.spec(), Optional.of(init), m.initialSlots(), m.reuseFd()));
                    return new LoadPlan(objectName, btf, btfLayout, edited, code, functions, references, core,
                            funcInfos, lineInfos, programs, kconfig, ksyms);
                }
            }
        }
        throw new IllegalArgumentException("object \"" + objectName + "\" has no global variable " + variable
                + "; its globals are " + known);
    }

    /** This plan with a map resized (max_entries). */
    LoadPlan withMaxEntries(String map, int maxEntries) {
        return withMap(map, m -> new MapPlan(m.name(), m.spec().toBuilder().maxEntries(maxEntries).build(),
                m.globalSection(), m.initialSlots(), m.reuseFd()));
    }

    /** This plan with a map's pinning changed (pinned maps live in {@link ObjectLoader.Options#pinDirectory()}). */
    LoadPlan withPinning(String map, Pinning pinning) {
        return withMap(map, m -> new MapPlan(m.name(), m.spec().toBuilder().pinning(pinning).build(),
                m.globalSection(), m.initialSlots(), m.reuseFd()));
    }

    /** This plan using an existing map (its fd is duplicated; the caller keeps its own). */
    LoadPlan withMapFd(String map, int fd) {
        return withMap(map, m -> new MapPlan(m.name(), m.spec(), m.globalSection(), m.initialSlots(), Optional.of(fd)));
    }

    /** This plan with a program's autoload switched. */
    LoadPlan withAutoload(String program, boolean autoload) {
        return withProgram(program, p -> new ProgramPlan(p.spec(), p.entry(), autoload));
    }

    /** This plan with a program's type, attach type and target replaced. */
    LoadPlan withProgramType(String program, ProgramType type, Optional<AttachType> attach, String target) {
        return withProgram(program, p -> {
            ProgramSpec.Builder b = ProgramSpec.builder(p.spec().name(), type).sectionName(p.spec().sectionName())
                    .attachTo(target).license(p.spec().license()).flags(p.spec().flags())
                    .kernelVersion(p.spec().kernelVersion());
            attach.ifPresent(b::attachType);
            return new ProgramPlan(b.build(), p.entry(), p.autoload());
        });
    }

    private LoadPlan withMap(String map, java.util.function.UnaryOperator<MapPlan> edit) {
        java.util.List<MapPlan> edited = new java.util.ArrayList<>(maps);
        for (int i = 0; i < edited.size(); i++) {
            if (edited.get(i).name().equals(map)) {
                edited.set(i, edit.apply(edited.get(i)));
                return new LoadPlan(objectName, btf, btfLayout, edited, code, functions, references, core,
                        funcInfos, lineInfos, programs, kconfig, ksyms);
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
                return new LoadPlan(objectName, btf, btfLayout, maps, code, functions, references, core,
                        funcInfos, lineInfos, edited, kconfig, ksyms);
            }
        }
        throw new IllegalArgumentException("object \"" + objectName + "\" has no program \"" + program
                + "\"; its programs are " + programs.stream().map(p -> p.spec().name()).toList());
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
    record MapPlan(String name, MapSpec spec, Optional<byte[]> globalSection, Map<Integer, String> initialSlots,
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
     */
    record ProgramPlan(ProgramSpec spec, Linker.Function entry, boolean autoload) {
    }

    /** A .kconfig extern at {@code offset} in the .kconfig map. */
    record KconfigVar(KconfigExtern extern, int offset) {
    }

    /** What the instruction at {@code slot} of {@code section} refers to. */
    sealed interface Reference permits MapRef, MapValueRef, CallRef, FuncRef, KsymRef {
        String section();

        int slot();
    }

    /** {@code lddw rX, map}: the map's fd. */
    record MapRef(String section, int slot, String map) implements Reference {
    }

    /** {@code lddw rX, &global}: a byte offset into the map's single value (global data, .kconfig). */
    record MapValueRef(String section, int slot, String map, int offset) implements Reference {
    }

    /** A bpf-to-bpf call to {@code targetSlot} of {@code targetSection}. */
    record CallRef(String section, int slot, String targetSection, int targetSlot) implements Reference {
    }

    /** {@code lddw rX, &function} (a callback). */
    record FuncRef(String section, int slot, String targetSection, int targetSlot) implements Reference {
    }

    /** A call of a kfunc or an lddw of a kernel symbol. */
    record KsymRef(String section, int slot, String name) implements Reference {
    }
}
