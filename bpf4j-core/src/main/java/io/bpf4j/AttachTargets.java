package io.bpf4j;

import io.bpf4j.btf.CoreTypes;
import java.util.List;

/**
 * The kernel BTF ids that BTF-based programs attach to, found by the names libbpf uses:
 * {@code tp_btf/X} → typedef {@code btf_trace_X}; {@code iter/X} → function {@code bpf_iter_X};
 * {@code fentry/X}, {@code fexit/X}, {@code fmod_ret/X} → function {@code X};
 * {@code lsm/X} → function {@code bpf_lsm_X}.
 *
 * <pre>{@code
 * int id = AttachTargets.resolve(kernelBtf, AttachType.TRACE_RAW_TP, "sched_switch");
 * }</pre>
 */
final class AttachTargets {
    private AttachTargets() {}

    /** The BTF name and kind looked up for a target of this attach type. */
    record Lookup(String name, int kind) {}

    static Lookup lookupFor(AttachType type, String target) {
        return switch (type) {
            case TRACE_RAW_TP -> new Lookup("btf_trace_" + target, CoreTypes.TYPEDEF);
            case TRACE_ITER -> new Lookup("bpf_iter_" + target, CoreTypes.FUNC);
            case LSM_MAC, LSM_CGROUP -> new Lookup("bpf_lsm_" + target, CoreTypes.FUNC);
            case TRACE_FENTRY, TRACE_FEXIT, MODIFY_RETURN -> new Lookup(target, CoreTypes.FUNC);
            default -> throw new IllegalArgumentException("attach type " + type + " does not attach by BTF id");
        };
    }

    /** True for attach types whose programs need an attach BTF id at load. */
    static boolean needsBtfId(AttachType type) {
        return switch (type) {
            case TRACE_RAW_TP, TRACE_ITER, LSM_MAC, LSM_CGROUP, TRACE_FENTRY, TRACE_FEXIT, MODIFY_RETURN -> true;
            default -> false;
        };
    }

    /**
     * The target's type id in the kernel's BTF.
     *
     * @throws BpfException naming what was looked up when the kernel has no such function or tracepoint
     */
    static int resolve(CoreTypes kernel, AttachType type, String target) {
        if (target.isEmpty()) {
            throw new BpfException("a " + type + " program needs an attach target (e.g. SEC(\"fentry/do_unlinkat\"))");
        }
        Lookup l = lookupFor(type, target);
        List<Integer> ids = kernel.idsNamed(l.name());
        for (int id : ids) {
            if (kernel.kind(id) == l.kind()) {
                return id;
            }
        }
        throw new BpfException("cannot attach to \"" + target + "\": the kernel's BTF has no "
                + (l.kind() == CoreTypes.TYPEDEF ? "typedef " : "function ") + l.name()
                + (type == AttachType.TRACE_RAW_TP ? " (no such BTF tracepoint)" : ""));
    }
}
