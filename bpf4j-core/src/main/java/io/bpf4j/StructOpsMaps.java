package io.bpf4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The object loader's struct_ops steps, in libbpf's order: lay out every struct_ops map's value
 * against the kernel's BTF before anything is made, create the map with
 * {@code btf_vmlinux_value_type_id} (value size the kernel's, no key/value type ids), load each
 * struct_ops program with {@code attach_btf_id} and {@code expected_attach_type} = member index,
 * and keep the value with the program fds for registration ({@code BpfObject.attachAll} or
 * {@link io.bpf4j.link.StructOps#register}).
 */
final class StructOpsMaps {
    private StructOpsMaps() {}

    /** The layout of every struct_ops map of the plan, by map name (empty, without kernel BTF, when it has none). */
    static Map<String, StructOpsLayout> layouts(LoadPlan plan) {
        Map<String, StructOpsLayout> out = new LinkedHashMap<>();
        for (LoadPlan.MapPlan m : plan.maps()) {
            if (m.spec().type() == MapType.STRUCT_OPS
                    && m.reuseFd().isEmpty()
                    && m.spec().btfValueTypeId() != 0
                    && m.spec().btf().isPresent()) {
                out.put(m.name(), StructOpsLayout.of(m, io.bpf4j.btf.KernelBtf.vmlinux()));
            }
        }
        return out;
    }

    /** Creates a struct_ops map as libbpf does: kernel value size and value type, object BTF fd, no type ids. */
    static BpfMap create(LoadPlan.MapPlan m, StructOpsLayout layout, OptionalInt btfFd) {
        MapSpec spec = m.spec().toBuilder()
                .keySize(4)
                .maxEntries(1)
                .valueSize(layout.valueSize())
                .btfTypeIds(0, 0)
                .btfVmlinuxValueTypeId(layout.valueTypeId())
                .build();
        if (btfFd.isEmpty()) {
            throw new BpfException("struct_ops map \"" + m.name() + "\": the kernel refused the object's BTF, which"
                    + " a struct_ops map needs");
        }
        return BpfMap.create(spec, btfFd);
    }

    /**
     * Whether {@code spec} (a struct_ops program) is loaded: only when a struct_ops map of the
     * object puts it in a member this kernel has (libbpf turns the others' autoload off).
     */
    static boolean wanted(ProgramSpec spec, Map<String, StructOpsLayout> layouts) {
        if (spec.type() != ProgramType.STRUCT_OPS) {
            return true;
        }
        return layouts.values().stream().anyMatch(l -> l.memberIndex().containsKey(spec.name()));
    }

    /**
     * For a struct_ops program: sets the kernel struct's id and the member index in its load
     * request (after the spec's own fields, so these win).
     */
    static void attachFields(
            ProgramSpec spec, Map<String, StructOpsLayout> layouts, io.bpf4j.internal.sys.ProgLoad request) {
        if (spec.type() != ProgramType.STRUCT_OPS) {
            return;
        }
        for (StructOpsLayout l : layouts.values()) {
            Integer member = l.memberIndex().get(spec.name());
            if (member != null) {
                request.attachBtfId(l.kernelTypeId()).expectedAttachType(member);
                return;
            }
        }
    }

    /** Each struct_ops map's kernel value with the loaded programs' fds in place. */
    static Map<String, byte[]> values(Map<String, StructOpsLayout> layouts, Map<String, Program> programs) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        layouts.forEach((name, l) -> out.put(name, l.withProgramFds(programs)));
        return out;
    }
}
