package io.bpf4j.link;

import io.bpf4j.BpfObject;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Attaches every program of an object whose section name says where, as libbpf's skeleton
 * {@code attach()} does: tracepoints, raw tracepoints, tp_btf, fentry/fexit/fmod_ret/lsm,
 * iterators, kprobes with a function, uprobes written {@code uprobe/BINARY:FUNCTION[+OFFSET]},
 * USDT probes written {@code usdt/BINARY:PROVIDER:NAME}.
 * Programs that need a target the section does not name (XDP, tc, cgroup, perf events, sockets,
 * uprobes without a target) fail with a message naming them. The links are owned by the object.
 *
 * <pre>{@code
 * try (BpfObject obj = ObjectSpec.read(path).load()) {
 *     obj.attachAll();
 * }
 * }</pre>
 */
public final class AutoAttach {
    private AutoAttach() {
    }

    /** Attaches every program of {@code object} (see the class comment); on failure, detaches what it made. */
    public static List<Link> attachAll(BpfObject object, List<ProgramSpec> specs) {
        List<Link> made = new ArrayList<>();
        try {
            for (ProgramSpec spec : specs) {
                var prog = object.findProgram(spec.name());
                if (prog.isEmpty()) {
                    continue; // autoload was off
                }
                if (spec.sectionName().startsWith("usdt")) {
                    made.addAll(Usdt.attachFromSection(object, prog.get(), spec)); // needs the object's spec maps
                    continue;
                }
                made.add(attach(prog.get(), spec));
            }
        } catch (RuntimeException e) {
            made.forEach(Link::close);
            throw e;
        }
        made.forEach(object::own);
        return made;
    }

    /** Attaches one program by its section name. */
    public static Link attach(Program program, ProgramSpec spec) {
        String section = spec.sectionName();
        String target = spec.attachTo();
        String kind = section.contains("/") ? section.substring(0, section.indexOf('/')) : section;
        switch (kind) {
            case "tracepoint", "tp", "tracepoint.s", "tp.s" -> {
                return Tracepoint.attach(program, needTarget(spec, "a tracepoint category/name"));
            }
            case "raw_tracepoint", "raw_tp", "raw_tracepoint.w", "raw_tp.w", "raw_tracepoint.s", "raw_tp.s" -> {
                return RawTracepoint.attach(program, needTarget(spec, "a raw tracepoint name"));
            }
            case "tp_btf", "tp_btf.s", "fentry", "fexit", "fmod_ret", "fentry.s", "fexit.s", "fmod_ret.s", "lsm", "lsm.s" -> {
                return Tracing.attach(program, spec);
            }
            case "iter", "iter.s" -> {
                return Iterators.attach(program);
            }
            case "kprobe", "kretprobe" -> {
                String t = needTarget(spec, "a kernel function");
                int plus = t.indexOf('+');
                long off = plus < 0 ? 0 : Long.decode(t.substring(plus + 1));
                return Kprobe.attach(program, plus < 0 ? t : t.substring(0, plus), off, kind.equals("kretprobe"));
            }
            case "uprobe", "uretprobe", "uprobe.s", "uretprobe.s" -> {
                String t = needTarget(spec, "BINARY:FUNCTION");
                int colon = t.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(what(spec) + " needs a target written BINARY:FUNCTION[+OFFSET], got \"" + t + "\"");
                }
                String fn = t.substring(colon + 1);
                int plus = fn.indexOf('+');
                long off = plus < 0 ? 0 : Long.decode(fn.substring(plus + 1));
                return Uprobe.attach(program, t.substring(0, colon), plus < 0 ? fn : fn.substring(0, plus), off,
                        kind.startsWith("uretprobe"), OptionalInt.empty());
            }
            default -> throw new IllegalArgumentException(what(spec) + " cannot be attached by its section name alone: "
                    + "attach it with the link class for its kind (Xdp, Tcx, Cgroups, PerfEvent, ...) and a target");
        }
    }

    private static String needTarget(ProgramSpec spec, String what) {
        if (spec.attachTo().isEmpty()) {
            throw new IllegalArgumentException(what(spec) + " names no target; its section needs " + what);
        }
        return spec.attachTo();
    }

    private static String what(ProgramSpec spec) {
        return "program \"" + spec.name() + "\" in SEC(\"" + spec.sectionName() + "\")";
    }
}
