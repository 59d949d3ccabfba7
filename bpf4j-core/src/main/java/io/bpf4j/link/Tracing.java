package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;
import io.bpf4j.internal.sys.Scratch;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Attaches BTF-targeted programs whose target was fixed at load by their attach BTF id:
 * {@code tp_btf} (TRACE_RAW_TP), {@code fentry}, {@code fexit}, {@code fmod_ret} and {@code lsm},
 * and {@code freplace} (an EXT program replacing a function of another program).
 * It uses BPF_LINK_CREATE, and BPF_RAW_TRACEPOINT_OPEN without a name on kernels whose
 * LINK_CREATE does not take these attach types yet.
 *
 * <pre>{@code
 * try (Link l = Tracing.attach(fentryProgram, AttachType.TRACE_FENTRY)) { ... }
 * }</pre>
 */
public final class Tracing {
    private static final Set<AttachType> KINDS = Set.of(AttachType.TRACE_RAW_TP, AttachType.TRACE_FENTRY,
            AttachType.TRACE_FEXIT, AttachType.MODIFY_RETURN, AttachType.LSM_MAC);

    private Tracing() {
    }

    /**
     * Attaches a program loaded with {@code type} as its expected attach type.
     *
     * @param type one of TRACE_RAW_TP, TRACE_FENTRY, TRACE_FEXIT, MODIFY_RETURN, LSM_MAC
     */
    public static Link attach(Program program, AttachType type) {
        return attach(program, type, 0);
    }

    /** {@link #attach(Program, AttachType)} with a cookie for {@code bpf_get_attach_cookie()} (Linux 5.19+). */
    public static Link attach(Program program, AttachType type, long cookie) {
        if (!KINDS.contains(type)) {
            throw new IllegalArgumentException("program \"" + program.name() + "\": " + type
                    + " is not a BTF tracing attach type (want one of " + KINDS + ")");
        }
        String what = kindName(type) + " program \"" + program.name() + "\"";
        try {
            return create(program, 0, type, 0, cookie, what);
        } catch (BpfException e) {
            boolean oldKernel = e.errno().filter(n -> n == Errno.EINVAL || n == Errno.EOPNOTSUPP).isPresent();
            if (!oldKernel || cookie != 0) {
                throw e;
            }
            // LINK_CREATE learnt tracing attach types after RAW_TRACEPOINT_OPEN did (5.5).
            return RawTracepoint.attachBtf(program);
        }
    }

    /**
     * Attaches an EXT ({@code freplace}) program in place of the function with BTF id
     * {@code targetBtfId} in {@code target}'s BTF (0: the one given at load).
     */
    public static Link attachFreplace(Program extension, Program target, int targetBtfId) {
        String what = "freplace of a function of program \"" + target.name() + "\" by \"" + extension.name() + "\"";
        return create(extension, target.fd(), null, targetBtfId, 0, what);
    }

    private static Link create(Program program, int targetFd, AttachType type, int targetBtfId, long cookie,
                               String what) {
        MemorySegment attr = Scratch.get().attr(LinkAttr.CREATE_SIZE);
        attr.set(JAVA_INT, LinkAttr.CREATE_PROG_FD, program.fd());
        attr.set(JAVA_INT, LinkAttr.CREATE_TARGET_FD, targetFd);
        attr.set(JAVA_INT, LinkAttr.CREATE_ATTACH_TYPE, type == null ? 0 : type.value());
        attr.set(JAVA_INT, LinkAttr.CREATE_TARGET_BTF_ID, targetBtfId);
        attr.set(JAVA_LONG, LinkAttr.CREATE_TRACING_COOKIE, cookie);
        long r = Bpf.call(BpfCmd.LINK_CREATE, attr, LinkAttr.CREATE_SIZE);
        if (r < 0) {
            throw Bpf.error("cannot attach " + what, r, BpfCmd.LINK_CREATE, what);
        }
        return new Link(new Fd((int) r, "link " + what), Optional.empty(), what);
    }

    private static String kindName(AttachType type) {
        return switch (type) {
            case TRACE_RAW_TP -> "tp_btf";
            case TRACE_FENTRY -> "fentry";
            case TRACE_FEXIT -> "fexit";
            case MODIFY_RETURN -> "fmod_ret";
            case LSM_MAC -> "lsm";
            default -> type.name();
        };
    }
}
