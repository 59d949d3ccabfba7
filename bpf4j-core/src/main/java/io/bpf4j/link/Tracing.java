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

    /**
     * Attaches an EXT ({@code freplace}) program in place of the function with BTF id
     * {@code targetBtfId} of {@code target} (0: the target given when the extension was loaded).
     */
    public static Link attachFreplace(Program extension, Program target, int targetBtfId) {
        String what = "freplace of a function of program \"" + target.name() + "\" by \"" + extension.name() + "\"";
        java.lang.foreign.MemorySegment attr = io.bpf4j.internal.sys.Scratch.get()
                .attr(io.bpf4j.internal.sys.LinkAttr.CREATE_SIZE);
        attr.set(java.lang.foreign.ValueLayout.JAVA_INT, io.bpf4j.internal.sys.LinkAttr.CREATE_PROG_FD, extension.fd());
        attr.set(java.lang.foreign.ValueLayout.JAVA_INT, io.bpf4j.internal.sys.LinkAttr.CREATE_TARGET_FD, target.fd());
        attr.set(java.lang.foreign.ValueLayout.JAVA_INT, io.bpf4j.internal.sys.LinkAttr.CREATE_TARGET_BTF_ID, targetBtfId);
        long r = io.bpf4j.internal.sys.Bpf.call(io.bpf4j.internal.sys.BpfCmd.LINK_CREATE, attr,
                io.bpf4j.internal.sys.LinkAttr.CREATE_SIZE);
        if (r < 0) {
            throw io.bpf4j.internal.sys.Bpf.error("cannot attach " + what, r, io.bpf4j.internal.sys.BpfCmd.LINK_CREATE, what);
        }
        return new Link(new io.bpf4j.internal.sys.Fd((int) r, "link " + what), java.util.Optional.empty(), what);
    }
}
