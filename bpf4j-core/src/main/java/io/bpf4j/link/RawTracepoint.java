package io.bpf4j.link;

import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * A RAW_TRACEPOINT program on a raw tracepoint, through BPF_RAW_TRACEPOINT_OPEN.
 *
 * <pre>{@code
 * try (RawTracepoint l = RawTracepoint.attach(prog, "sched_switch")) { ... }
 * }</pre>
 */
public final class RawTracepoint extends KernelLink {
    /**
     * A raw tracepoint by name (e.g. {@code sys_enter}).
     *
     * <pre>{@code
     * new RawTracepoint.Spec("sched_switch")
     * }</pre>
     */
    public record Spec(String name) implements AttachSpec {
        @Override
        public String describe() {
            return "raw tracepoint " + name;
        }
    }

    private RawTracepoint(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /** Attaches to the raw tracepoint {@code name} (e.g. {@code sys_enter}). */
    public static RawTracepoint attach(Program program, String name) {
        return attach(program, new Spec(name));
    }

    /** Attaches as {@code spec} says. */
    public static RawTracepoint attach(Program program, Spec spec) {
        LinkCreate.requireType(
                program, "a raw tracepoint", ProgramType.RAW_TRACEPOINT, ProgramType.RAW_TRACEPOINT_WRITABLE);
        String description = LinkCreate.describe(spec.describe(), program);
        return new RawTracepoint(open(program, Optional.of(spec.name()), description), description);
    }

    /** BPF_RAW_TRACEPOINT_OPEN with a name, or none for a BTF-typed program whose target was fixed at load. */
    static Fd open(Program program, Optional<String> name, String description) {
        try (Arena arena = Arena.ofConfined()) {
            long r = Links.rawTracepointOpen(
                    name.isPresent() ? arena.allocateFrom(name.get()) : MemorySegment.NULL, program.fd(), 0);
            if (r < 0) {
                String hint = r == -io.bpf4j.Errno.ENOENT.number()
                        ? " (the kernel has no such raw tracepoint)"
                        : LinkErrors.hint((int) -r, "attach");
                throw Bpf.error(
                        "the kernel refused to attach " + description + hint,
                        r,
                        BpfCmd.RAW_TRACEPOINT_OPEN,
                        description);
            }
            return new Fd((int) r, "link " + description);
        }
    }
}
