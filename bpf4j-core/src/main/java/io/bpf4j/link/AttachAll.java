package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfObject;
import io.bpf4j.Program;
import io.bpf4j.ProgramSections;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code BpfObject.attachAll} with libbpf's skeleton semantics: every loaded program whose
 * section names its target attaches (tracepoints, raw tracepoints, tp_btf, fentry/fexit/fmod_ret,
 * lsm, iterators, kprobes, ksyscalls, kprobe.multi and uprobe.multi patterns, uprobes written
 * {@code uprobe/BINARY:FUNCTION[+OFFSET]}, USDT probes written {@code usdt/BINARY:PROVIDER:NAME}, sk_lookup in the calling thread's namespace, cgroup
 * hooks when {@link AttachOptions#cgroup} gives a cgroup); a program given a spec attaches as
 * the spec says; every other program (XDP, tc, perf events, sockets, a bare {@code SEC("uprobe")})
 * is skipped, with the reason in the result, as is a program with autoattach off. On a failure
 * nothing stays attached and the {@link AttachException} names program, section and target.
 *
 * <pre>{@code
 * AttachAll.Result r = obj.attachAll(AttachOptions.defaults().spec("on_read", Uprobe.Spec.of("libc.so.6", "read")));
 * r.attached().forEach(a -> System.out.println(a.program() + " -> " + a.link().description()));
 * r.skipped().forEach(s -> System.out.println(s.program() + " skipped: " + s.reason()));
 * }</pre>
 */
public final class AttachAll {
    private AttachAll() {}

    /** A program that attached: its name, section, and the link (owned by the object). */
    public record Attached(String program, String section, Link link) {}

    /** A program left unattached, and why. */
    public record Skipped(String program, String section, String reason) {}

    /**
     * What {@code attachAll} did.
     *
     * @param attached the programs attached, in object order
     * @param skipped the programs not attached, with the reason
     */
    public record Result(List<Attached> attached, List<Skipped> skipped) {
        public Result {
            attached = List.copyOf(attached);
            skipped = List.copyOf(skipped);
        }

        /** The links made, in object order. */
        public List<Link> links() {
            return attached.stream().map(Attached::link).toList();
        }

        /** The link of program {@code name}, if it attached. */
        public Optional<Link> link(String name) {
            return attached.stream()
                    .filter(a -> a.program().equals(name))
                    .map(Attached::link)
                    .findFirst();
        }
    }

    /**
     * Attaches the programs of {@code object} (see the class comment); the links belong to the
     * object afterwards.
     *
     * @throws IllegalArgumentException when a spec or autoattach names a program the object did not load
     * @throws AttachException when a program fails to attach (nothing made stays attached)
     */
    public static Result attach(BpfObject object, List<ProgramSpec> specs, AttachOptions options) {
        Set<String> loaded = specs.stream().map(ProgramSpec::name).collect(Collectors.toSet());
        for (String name : options.specs().keySet()) {
            if (!loaded.contains(name) || object.findProgram(name).isEmpty()) {
                throw new IllegalArgumentException("attach spec for program \"" + name + "\", which object \""
                        + object.name() + "\" did not load; its programs are "
                        + object.programs().keySet());
            }
        }
        List<Attached> made = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        try {
            for (ProgramSpec spec : specs) {
                Optional<Program> prog = object.findProgram(spec.name());
                if (prog.isEmpty()) {
                    continue; // autoload was off
                }
                // Off in the options, or in the spec the object was loaded from (ObjectSpec.withAutoattach).
                if (options.autoattachOff().contains(spec.name()) || !object.autoattach(spec.name())) {
                    skipped.add(new Skipped(spec.name(), spec.sectionName(), "autoattach is off"));
                    continue;
                }
                if (spec.type() == ProgramType.STRUCT_OPS) {
                    skipped.add(new Skipped(
                            spec.name(),
                            spec.sectionName(),
                            "a struct_ops callback: it runs once its struct_ops map is registered"));
                    continue;
                }
                Plan plan;
                try {
                    plan = plan(spec, Optional.ofNullable(options.specs().get(spec.name())), options);
                } catch (RuntimeException e) {
                    throw new AttachException(spec.name(), spec.sectionName(), "the target its section names", e);
                }
                if (plan.spec().isEmpty()) {
                    skipped.add(new Skipped(spec.name(), spec.sectionName(), plan.reason()));
                    continue;
                }
                AttachSpec as = plan.spec().get();
                try {
                    Link link = as instanceof Usdt.Spec u
                            ? Usdt.attach(object, prog.get(), u) // needs the object's maps
                            : Attach.attach(prog.get(), as);
                    made.add(new Attached(spec.name(), spec.sectionName(), link));
                } catch (RuntimeException e) {
                    throw new AttachException(spec.name(), spec.sectionName(), as.describe(), e);
                }
            }
            // As libbpf 1.4+: struct_ops maps autoattach (register), a link map by BPF_LINK_CREATE.
            for (String map : object.structOpsMaps()) {
                String section =
                        (object.map(map).flags() & io.bpf4j.MapFlags.LINK) != 0 ? ".struct_ops.link" : ".struct_ops";
                if (options.autoattachOff().contains(map)) {
                    skipped.add(new Skipped(map, section, "autoattach is off"));
                    continue;
                }
                try {
                    made.add(new Attached(
                            map,
                            section,
                            StructOps.register(
                                    object.map(map), object.structOpsValue(map).orElseThrow())));
                } catch (RuntimeException e) {
                    throw new AttachException(map, section, "struct_ops map \"" + map + "\"", e);
                }
            }
        } catch (RuntimeException e) {
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    made.get(i).link().close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
        made.forEach(a -> object.own(a.link()));
        return new Result(made, skipped);
    }

    /** The spec a program attaches with, or why it is skipped. */
    record Plan(Optional<AttachSpec> spec, String reason) {
        static Plan attach(AttachSpec s) {
            return new Plan(Optional.of(s), "");
        }

        static Plan skip(String why) {
            return new Plan(Optional.empty(), why);
        }
    }

    /** The spec for one program: the given one completed from the section, or the section's own. */
    static Plan plan(ProgramSpec spec, Optional<AttachSpec> given, AttachOptions options) {
        if (given.isPresent()) {
            return Plan.attach(complete(given.get(), spec));
        }
        return fromSection(spec, options);
    }

    /** Fills what a given spec leaves to the section: entry or return, TCX direction, cgroup hook. */
    static AttachSpec complete(AttachSpec given, ProgramSpec spec) {
        String kind = kind(spec.sectionName());
        boolean ret = kind.startsWith("uret") || kind.startsWith("kret");
        ProbePoint point = ret ? ProbePoint.RETURN : ProbePoint.ENTRY;
        return switch (given) {
            case Uprobe.Spec u when u.point().isEmpty() -> u.at(point);
            case UprobeMulti.Spec u when u.point().isEmpty() -> u.at(point);
            case KprobeMulti.Spec k when k.point().isEmpty() -> k.at(point);
            case Tcx.Spec t
            when t.direction().isEmpty() && spec.attachType().isPresent() ->
                switch (spec.attachType().get()) {
                    case TCX_EGRESS -> t.direction(Tcx.Direction.EGRESS);
                    case TCX_INGRESS -> t.direction(Tcx.Direction.INGRESS);
                    default -> t;
                };
            case Cgroup.Spec c
            when c.type().isEmpty() && spec.attachType().isPresent() ->
                c.type(spec.attachType().get());
            default -> given;
        };
    }

    private static String kind(String section) {
        int slash = section.indexOf('/');
        return slash < 0 ? section : section.substring(0, slash);
    }

    /** libbpf's auto-attach: the spec a section name implies, or why it implies none. */
    static Plan fromSection(ProgramSpec spec, AttachOptions options) {
        String section = spec.sectionName();
        Optional<ProgramSections.Match> match = ProgramSections.match(section);
        if (match.isEmpty()) {
            return Plan.skip("section \"" + section + "\" is not one libbpf knows; give it a spec");
        }
        String target = spec.attachTo(); // the section's target, or what the spec was edited to
        String name = match.get().def().name();
        String kind = name.endsWith("+") ? name.substring(0, name.length() - 1) : kind(name);
        ProgramType type = match.get().def().type();
        Optional<AttachType> attachType = spec.attachType();
        boolean ret = kind.startsWith("uret") || kind.startsWith("kret");
        ProbePoint point = ret ? ProbePoint.RETURN : ProbePoint.ENTRY;
        String noTarget = "SEC(\"" + section + "\") names no target; give it a spec";
        switch (kind) {
            case "tracepoint", "tp", "tracepoint.s", "tp.s" -> {
                return target.isEmpty() ? Plan.skip(noTarget) : Plan.attach(Tracepoint.Spec.of(target));
            }
            case "raw_tracepoint", "raw_tp", "raw_tracepoint.s", "raw_tp.s", "raw_tracepoint.w", "raw_tp.w" -> {
                return target.isEmpty() ? Plan.skip(noTarget) : Plan.attach(new RawTracepoint.Spec(target));
            }
            case "tp_btf",
                    "tp_btf.s",
                    "fentry",
                    "fexit",
                    "fmod_ret",
                    "fentry.s",
                    "fexit.s",
                    "fmod_ret.s",
                    "lsm",
                    "lsm.s" -> {
                return attachType.isEmpty()
                        ? Plan.skip(noTarget)
                        : Plan.attach(new Tracing.Spec(attachType.get(), spec.attachTo(), 0));
            }
            case "lsm_cgroup" -> {
                return options.cgroup()
                        .map(c -> Plan.attach(new Cgroup.Spec(c, Optional.of(AttachType.LSM_CGROUP))))
                        .orElse(Plan.skip("SEC(\"" + section
                                + "\") attaches to a cgroup: give AttachOptions.cgroup(dir)" + " or a Cgroup.Spec"));
            }
            case "iter", "iter.s" -> {
                return Plan.attach(new BpfIterator.Spec());
            }
            case "kprobe", "kretprobe" -> {
                if (target.isEmpty()) {
                    return Plan.skip(noTarget);
                }
                int plus = target.indexOf('+');
                long off = plus < 0 ? 0 : parseOffset(target.substring(plus + 1), section);
                return Plan.attach(new Kprobe.Spec(plus < 0 ? target : target.substring(0, plus), off, point, 0));
            }
            case "ksyscall", "kretsyscall" -> {
                return target.isEmpty()
                        ? Plan.skip(noTarget)
                        : Plan.attach(new Kprobe.Syscall(
                                target, kind.equals("kretsyscall") ? ProbePoint.RETURN : ProbePoint.ENTRY, 0));
            }
            case "kprobe.multi", "kretprobe.multi" -> {
                return target.isEmpty()
                        ? Plan.skip(noTarget)
                        : Plan.attach(new KprobeMulti.Spec(List.of(target), Optional.of(point)));
            }
            case "uprobe", "uretprobe", "uprobe.s", "uretprobe.s" -> {
                if (target.isEmpty()) {
                    return Plan.skip(noTarget + " (Uprobe.Spec)");
                }
                return Plan.attach(uprobe(target, section, point));
            }
            case "uprobe.multi", "uretprobe.multi", "uprobe.multi.s", "uretprobe.multi.s" -> {
                if (target.isEmpty()) {
                    return Plan.skip(noTarget + " (UprobeMulti.Spec)");
                }
                int colon = target.lastIndexOf(':');
                if (colon <= 0 || colon == target.length() - 1) {
                    throw new IllegalArgumentException("program \"" + spec.name() + "\" in SEC(\"" + section
                            + "\"): the target must be written BINARY:PATTERN");
                }
                return Plan.attach(new UprobeMulti.Spec(
                        target.substring(0, colon),
                        List.of(target.substring(colon + 1)),
                        Optional.of(point),
                        OptionalInt.empty()));
            }
            case "usdt", "usdt.s" -> {
                return target.isEmpty() ? Plan.skip(noTarget + " (Usdt.Spec)") : Plan.attach(Usdt.Spec.parse(target));
            }
            case "sk_lookup" -> {
                return Plan.attach(NetnsLink.Spec.current());
            }
            default -> {
                if (isCgroupHook(type) && attachType.isPresent()) {
                    return options.cgroup()
                            .map(c -> Plan.attach(new Cgroup.Spec(c, attachType)))
                            .orElse(Plan.skip("SEC(\"" + section + "\") attaches to a cgroup: give"
                                    + " AttachOptions.cgroup(dir) or a Cgroup.Spec"));
                }
                return Plan.skip("SEC(\"" + section + "\") is not attached from its section name (libbpf does not"
                        + " either); give it a spec" + hint(type));
            }
        }
    }

    private static boolean isCgroupHook(ProgramType type) {
        return switch (type) {
            case CGROUP_SKB, CGROUP_SOCK, CGROUP_SOCK_ADDR, CGROUP_SYSCTL, CGROUP_SOCKOPT, CGROUP_DEVICE, SOCK_OPS ->
                true;
            default -> false;
        };
    }

    private static String hint(ProgramType type) {
        return switch (type) {
            case XDP -> " (Xdp.Spec)";
            case SCHED_CLS -> " (Tcx.Spec or TcFilter.Spec)";
            case PERF_EVENT -> " (PerfEvent.Spec)";
            case SOCKET_FILTER -> " (SocketFilter.Spec)";
            case NETFILTER -> " (Netfilter.Spec)";
            case FLOW_DISSECTOR -> " (NetnsLink.Spec)";
            default -> "";
        };
    }

    /** {@code BINARY:FUNCTION[+OFFSET]} or {@code BINARY:OFFSET}, as libbpf parses uprobe sections. */
    static Uprobe.Spec uprobe(String target, String section, ProbePoint point) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new IllegalArgumentException("SEC(\"" + section + "\"): a uprobe target is written"
                    + " BINARY:FUNCTION[+OFFSET], got \"" + target + "\"");
        }
        String binary = target.substring(0, colon);
        String fn = target.substring(colon + 1);
        if (Character.isDigit(fn.charAt(0))) {
            return Uprobe.Spec.atOffset(binary, parseOffset(fn, section)).at(point);
        }
        int plus = fn.indexOf('+');
        Uprobe.Spec s =
                Uprobe.Spec.of(binary, plus < 0 ? fn : fn.substring(0, plus)).at(point);
        return plus < 0 ? s : s.offset(parseOffset(fn.substring(plus + 1), section));
    }

    private static long parseOffset(String s, String section) {
        try {
            return Long.decode(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SEC(\"" + section + "\"): \"" + s + "\" is not an offset", e);
        }
    }
}
