package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;

/**
 * Attaches programs whose target was fixed at load by a kernel BTF id: fentry, fexit, fmod_ret,
 * lsm (BPF_LINK_CREATE) and tp_btf (BPF_RAW_TRACEPOINT_OPEN with no name), as libbpf's
 * {@code attach_trace}/{@code attach_lsm} do.
 *
 * <pre>{@code
 * try (Link l = Tracing.attach(obj.program("on_exec"), obj.spec("on_exec"))) { ... }
 * }</pre>
 */
public final class Tracing {
    private Tracing() {
    }

    /** Attaches a loaded TRACING/LSM/EXT program according to its spec's expected attach type. */
    public static Link attach(Program program, ProgramSpec spec) {
        AttachType type = spec.attachType().orElseThrow(() -> new IllegalArgumentException("program \""
                + program.name() + "\" has no expected attach type: not an fentry/fexit/fmod_ret/lsm/tp_btf program"));
        return switch (type) {
            case TRACE_RAW_TP -> RawTracepoint.attachBtf(program);
            case TRACE_FENTRY, TRACE_FEXIT, MODIFY_RETURN, LSM_MAC ->
                    LinkCreate.create(program, 0, type, 0, type.name().toLowerCase() + " " + spec.attachTo(),
                            "BPF links for " + type, "5.7");
            default -> throw new IllegalArgumentException("program \"" + program.name() + "\" attaches as " + type
                    + ", not through Tracing");
        };
    }
}
