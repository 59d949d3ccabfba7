package io.bpf4j.link;

import io.bpf4j.Program;

/**
 * Attaches one program as an {@link AttachSpec} says, whatever its kind: the one entry point
 * behind {@code BpfObject.attachAll} and the kind classes' own {@code attach(program, spec)}.
 *
 * <pre>{@code
 * try (Link l = Attach.attach(obj.program("on_getpid"), Uprobe.Spec.of("libc.so.6", "getpid"))) { ... }
 * }</pre>
 */
public final class Attach {
    private Attach() {}

    /**
     * Attaches {@code program} as its section name says (libbpf's auto-attach of one program:
     * {@code SEC("tracepoint/syscalls/sys_enter_execve")}, {@code SEC("uprobe/libc.so.6:getpid")}, ...).
     *
     * @throws IllegalArgumentException when the section names no target (give a spec instead)
     */
    public static Link attach(Program program, io.bpf4j.ProgramSpec section) {
        AttachAll.Plan plan = AttachAll.fromSection(section, AttachOptions.defaults());
        return attach(
                program,
                plan.spec()
                        .orElseThrow(() ->
                                new IllegalArgumentException("program \"" + program.name() + "\": " + plan.reason())));
    }

    /**
     * Attaches {@code program} as {@code spec} says. Fields the spec leaves to the section
     * (uprobe entry or return, TCX direction, cgroup hook) default to entry, or are required.
     *
     * @throws IllegalArgumentException when the program's type does not fit the spec's kind, or the spec misses a field
     * @throws io.bpf4j.BpfException when the kernel refuses, in its words, naming program and target
     */
    public static Link attach(Program program, AttachSpec spec) {
        return switch (spec) {
            case Tracepoint.Spec s -> Tracepoint.attach(program, s);
            case RawTracepoint.Spec s -> RawTracepoint.attach(program, s);
            case Tracing.Spec s -> Tracing.attach(program, s);
            case Kprobe.Spec s -> Kprobe.attach(program, s);
            case Kprobe.Syscall s -> Kprobe.attach(program, s);
            case KprobeMulti.Spec s -> KprobeMulti.attach(program, s);
            case Uprobe.Spec s -> Uprobe.attach(program, s);
            case UprobeMulti.Spec s -> UprobeMulti.attach(program, s);
            case PerfEvent.Spec s -> PerfEvent.attach(program, s);
            case Xdp.Spec s -> Xdp.attach(program, s);
            case Tcx.Spec s -> Tcx.attach(program, s);
            case TcFilter.Spec s -> TcFilter.attach(program, s);
            case Cgroup.Spec s -> Cgroup.attach(program, s);
            case NetnsLink.Spec s -> NetnsLink.attach(program, s);
            case Netfilter.Spec s -> Netfilter.attach(program, s);
            case BpfIterator.Spec s -> BpfIterator.attach(program);
            case SocketFilter.Spec s -> SocketFilter.attach(program, s);
            case Usdt.Spec s ->
                throw new IllegalArgumentException("USDT probe " + s.describe() + " for program \""
                        + program.name()
                        + "\" needs the object's usdt.bpf.h maps: use Usdt.attach(object, program, spec)"
                        + " or BpfObject.attachAll");
        };
    }
}
