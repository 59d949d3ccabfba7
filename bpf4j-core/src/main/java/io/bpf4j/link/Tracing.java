package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;
import java.util.Optional;

/**
 * A program whose target was fixed at load by a kernel BTF id: fentry, fexit, fmod_ret, lsm
 * (BPF_LINK_CREATE) and tp_btf (BPF_RAW_TRACEPOINT_OPEN with no name), as libbpf's
 * {@code attach_trace}/{@code attach_lsm} do; and {@code freplace} extensions.
 *
 * <pre>{@code
 * try (Tracing l = Tracing.attach(obj.program("on_exec"), new Tracing.Spec(AttachType.TRACE_FENTRY, "do_unlinkat", 0))) { ... }
 * }</pre>
 */
public final class Tracing extends KernelLink {
    /**
     * A BTF-targeted attachment: the program's expected attach type, the target it was loaded
     * for (for messages) and a BPF cookie (0: none).
     */
    public record Spec(AttachType type, String function, long cookie) implements AttachSpec {
        /** The spec a program of this section was loaded for. */
        public static Spec of(ProgramSpec spec) {
            AttachType t = spec.attachType()
                    .orElseThrow(() -> new IllegalArgumentException("program \"" + spec.name()
                            + "\" has no expected attach type: not an fentry/fexit/fmod_ret/lsm/tp_btf program"));
            return new Spec(t, spec.attachTo(), 0);
        }

        @Override
        public String describe() {
            return switch (type) {
                case TRACE_RAW_TP -> "tp_btf " + function;
                case TRACE_FENTRY -> "fentry " + function;
                case TRACE_FEXIT -> "fexit " + function;
                case MODIFY_RETURN -> "fmod_ret " + function;
                case LSM_MAC -> "lsm " + function;
                case LSM_CGROUP -> "lsm_cgroup " + function;
                default -> type.name().toLowerCase(java.util.Locale.ROOT) + " " + function;
            };
        }
    }

    private Tracing(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /** Attaches a loaded TRACING/LSM program according to its spec's expected attach type. */
    public static Tracing attach(Program program, ProgramSpec spec) {
        return attach(program, Spec.of(spec));
    }

    /** Attaches as {@code spec} says. */
    public static Tracing attach(Program program, Spec spec) {
        String description = LinkCreate.describe(spec.describe(), program);
        return switch (spec.type()) {
            case TRACE_RAW_TP -> new Tracing(RawTracepoint.open(program, Optional.empty(), description), description);
            case TRACE_FENTRY, TRACE_FEXIT, MODIFY_RETURN, LSM_MAC -> {
                long r = Links.createTracing(program.fd(), spec.type().value(), spec.cookie());
                if (r >= 0) {
                    yield new Tracing(new Fd((int) r, "link " + description), description);
                }
                // Before 5.19 BPF_LINK_CREATE does not take tracing programs (EINVAL), but
                // BPF_RAW_TRACEPOINT_OPEN without a name attaches them and gives the same kind of
                // link (BPF_LINK_TYPE_TRACING): libbpf's bpf_link_create falls back the same way.
                // A cookie needs BPF_LINK_CREATE: then there is nothing to fall back to.
                if (r != -Errno.EINVAL.number() || spec.cookie() != 0) {
                    throw refused(description, r, spec);
                }
                Fd fd = RawTracepoint.open(program, Optional.empty(), description);
                yield new Tracing(fd, description);
            }
            default ->
                throw new IllegalArgumentException(
                        "program \"" + program.name() + "\" attaches as " + spec.type() + ", not through Tracing");
        };
    }

    private static BpfException refused(String description, long negErrno, Spec spec) {
        BpfException e = LinkErrors.refused(
                description, negErrno, BpfCmd.LINK_CREATE, spec.type(), "BPF links for " + spec.type(), "5.7");
        if (spec.cookie() == 0 || negErrno != -Errno.EINVAL.number() || e instanceof NotSupportedException) {
            return e;
        }
        // cookies on tracing links came in 5.19; an older kernel refuses the attr's unknown bytes
        return new BpfException(
                e.getMessage() + "; a BPF cookie on " + spec.describe()
                        + " needs Linux 5.19 or later (attach with cookie 0 on older kernels)",
                (int) -negErrno,
                BpfCmd.LINK_CREATE.kernelName(),
                description);
    }

    /**
     * Attaches an EXT ({@code freplace}) program in place of the function with BTF id
     * {@code targetBtfId} of {@code target}; 0: the program and function the extension was loaded
     * for ({@link io.bpf4j.ObjectOptions#withExtensionTarget}), {@code target} then only names it.
     */
    public static Tracing attachFreplace(Program extension, Program target, int targetBtfId) {
        String description =
                "freplace of a function of program \"" + target.name() + "\" by \"" + extension.name() + "\"";
        // the kernel takes a target program and function together or neither (then the load's)
        long r = targetBtfId != 0
                ? Links.createExtension(extension.fd(), target.fd(), 0, targetBtfId)
                : Links.createExtension(extension.fd(), 0, 0, 0);
        if (r < 0) {
            throw Bpf.error(
                    "the kernel refused " + description + LinkErrors.hint((int) -r, "attach"),
                    r,
                    BpfCmd.LINK_CREATE,
                    description);
        }
        return new Tracing(new Fd((int) r, "link " + description), description);
    }
}
