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
