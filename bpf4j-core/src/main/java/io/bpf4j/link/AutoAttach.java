package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Attaches a loaded program the way its ELF section name says, as libbpf's auto-attach does: the
 * function behind {@code BpfObject.attachAll()}.
 *
 * <p>Sections that name their target attach on their own: {@code tracepoint/GROUP/NAME} (and
 * {@code tp/}), {@code raw_tracepoint/NAME} (and {@code raw_tp/}, {@code .w} variants),
 * {@code tp_btf/}, {@code fentry/}, {@code fexit/}, {@code fmod_ret/}, {@code lsm/} (and their
 * {@code .s} sleepable forms), {@code kprobe/FN[+OFF]}, {@code kretprobe/FN},
 * {@code uprobe/BINARY:FN[+OFF]}, {@code uretprobe/BINARY:FN} and {@code iter/}. Everything else
 * (xdp, tc, cgroup, socket filters, perf events, uprobes without a binary, freplace) needs a
 * target only the caller knows: {@link #attach} then fails naming the program and what to call.
 *
 * <pre>{@code
 * for (ProgramSpec ps : objectSpec.programs()) {
 *     if (AutoAttach.canAttach(ps)) {
 *         links.add(AutoAttach.attach(obj.program(ps.name()), ps));
 *     }
 * }
 * }</pre>
 */
public final class AutoAttach {
    private AutoAttach() {
    }

    /** The kind of attachment a section asks for, and the target text after its prefix. */
    record Plan(Kind kind, String target) {
    }

    enum Kind {
        TRACEPOINT, RAW_TRACEPOINT, TP_BTF, FENTRY, FEXIT, FMOD_RET, LSM, KPROBE, KRETPROBE, UPROBE, URETPROBE,
        ITER
    }

    /** True when the section name alone says where to attach. */
    public static boolean canAttach(ProgramSpec spec) {
        return plan(spec.sectionName()).isPresent();
    }

    /**
     * Attaches {@code program} (loaded from {@code spec}) where its section name says.
     *
     * @throws BpfException naming the program and the call to make when the section has no target
     */
    public static Link attach(Program program, ProgramSpec spec) {
        Plan plan = plan(spec.sectionName()).orElseThrow(() -> new BpfException("program \"" + spec.name()
                + "\" (SEC(\"" + spec.sectionName() + "\")) cannot be attached automatically: "
                + needs(spec.sectionName())));
        String t = plan.target();
        return switch (plan.kind()) {
            case TRACEPOINT -> Tracepoint.attach(program, t);
            case RAW_TRACEPOINT -> RawTracepoint.attach(program, t);
            case TP_BTF -> Tracing.attach(program, AttachType.TRACE_RAW_TP);
            case FENTRY -> Tracing.attach(program, AttachType.TRACE_FENTRY);
            case FEXIT -> Tracing.attach(program, AttachType.TRACE_FEXIT);
            case FMOD_RET -> Tracing.attach(program, AttachType.MODIFY_RETURN);
            case LSM -> Tracing.attach(program, AttachType.LSM_MAC);
            case KPROBE, KRETPROBE -> {
                FunctionAndOffset f = FunctionAndOffset.parse(t, spec.name());
                yield Kprobe.attach(program, f.function(), f.offset(), plan.kind() == Kind.KRETPROBE);
            }
            case UPROBE, URETPROBE -> {
                int colon = t.lastIndexOf(':');
                FunctionAndOffset f = FunctionAndOffset.parse(t.substring(colon + 1), spec.name());
                yield Uprobe.attach(program, t.substring(0, colon), f.function(), f.offset(),
                        plan.kind() == Kind.URETPROBE, OptionalInt.empty());
            }
            case ITER -> Iterators.attach(program);
        };
    }

    /** What a section needs to be attached; for sections this class cannot attach. */
    static String needs(String section) {
        String s = section.startsWith("?") ? section.substring(1) : section;
        if (s.startsWith("uprobe") || s.startsWith("uretprobe") || s.startsWith("usdt")) {
            return "give the binary and function: Uprobe.attach(program, binary, symbol, offset, ret, pid)";
        }
        if (s.startsWith("xdp")) {
            return "give the interface: Xdp.attach(program, ifname, mode)";
        }
        if (s.startsWith("tc") || s.startsWith("classifier")) {
            return "give the interface and direction: Tcx.attach(program, ifname, direction, position)";
        }
        if (s.startsWith("cgroup")) {
            return "give the cgroup: Cgroups.attach(program, cgroupDir, attachType)";
        }
        if (s.startsWith("perf_event")) {
            return "give the event: PerfEvent.attach(program, PerfEvent.Spec...)";
        }
        if (s.startsWith("freplace")) {
            return "give the program to extend: Tracing.attachFreplace(extension, target, btfId)";
        }
        return "this kind of program needs a target only the caller knows";
    }

    /** The attach plan for a section name, if it names its own target. */
    static Optional<Plan> plan(String section) {
        String s = section.startsWith("?") ? section.substring(1) : section;
        int slash = s.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String prefix = s.substring(0, slash);
        String rest = s.substring(slash + 1);
        Kind kind = switch (prefix) {
            case "tracepoint", "tp" -> Kind.TRACEPOINT;
            case "raw_tracepoint", "raw_tp", "raw_tracepoint.w", "raw_tp.w" -> Kind.RAW_TRACEPOINT;
            case "tp_btf" -> Kind.TP_BTF;
            case "fentry", "fentry.s" -> Kind.FENTRY;
            case "fexit", "fexit.s" -> Kind.FEXIT;
            case "fmod_ret", "fmod_ret.s" -> Kind.FMOD_RET;
            case "lsm", "lsm.s" -> Kind.LSM;
            case "kprobe" -> Kind.KPROBE;
            case "kretprobe" -> Kind.KRETPROBE;
            case "uprobe", "uprobe.s" -> Kind.UPROBE;
            case "uretprobe", "uretprobe.s" -> Kind.URETPROBE;
            case "iter", "iter.s" -> Kind.ITER;
            default -> null;
        };
        if (kind == null || rest.isEmpty()) {
            return Optional.empty();
        }
        if ((kind == Kind.UPROBE || kind == Kind.URETPROBE) && rest.lastIndexOf(':') <= 0) {
            return Optional.empty(); // "uprobe" alone or "uprobe/func": the binary is the caller's
        }
        if (kind == Kind.TRACEPOINT && rest.indexOf('/') <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Plan(kind, rest));
    }

    /** {@code FN} or {@code FN+OFFSET} (decimal or 0x hex) from a probe section. */
    record FunctionAndOffset(String function, long offset) {
        static FunctionAndOffset parse(String text, String program) {
            int plus = text.indexOf('+');
            if (plus < 0) {
                return new FunctionAndOffset(text, 0);
            }
            String off = text.substring(plus + 1);
            try {
                long v = off.startsWith("0x") ? Long.parseUnsignedLong(off.substring(2), 16) : Long.parseLong(off);
                return new FunctionAndOffset(text.substring(0, plus), v);
            } catch (NumberFormatException e) {
                throw new BpfException("program \"" + program + "\": bad probe offset \"" + off + "\" in \"" + text
                        + "\"", e);
            }
        }
    }
}
