package io.bpf4j.link;

import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Attaches a RAW_TRACEPOINT program (or a {@code tp_btf} TRACING program, with no name) through
 * BPF_RAW_TRACEPOINT_OPEN.
 *
 * <pre>{@code
 * try (Link l = RawTracepoint.attach(prog, "sched_switch")) { ... }
 * }</pre>
 */
public final class RawTracepoint {
    private RawTracepoint() {
    }

    /** Attaches to the raw tracepoint {@code name} (e.g. {@code sys_enter}). */
    public static Link attach(Program program, String name) {
        return open(program, Optional.of(name));
    }

    /** Attaches a {@code tp_btf} program, whose target was fixed at load by its attach BTF id. */
    public static Link attachBtf(Program program) {
        return open(program, Optional.empty());
    }

    private static Link open(Program program, Optional<String> name) {
        String description = "raw tracepoint " + name.orElse("(BTF)") + " -> program \"" + program.name() + "\"";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(LinkAttr.RAW_TP);
            attr.set(JAVA_LONG, LinkAttr.RAW_TP_NAME, name.isPresent() ? arena.allocateFrom(name.get()).address() : 0L);
            attr.set(JAVA_INT, LinkAttr.RAW_TP_PROG_FD, program.fd());
            long r = Bpf.call(BpfCmd.RAW_TRACEPOINT_OPEN, attr, LinkAttr.RAW_TP_SIZE);
            if (r < 0) {
                throw Bpf.error("cannot attach " + description, r, BpfCmd.RAW_TRACEPOINT_OPEN, description);
            }
            return new Link(new Fd((int) r, "link " + description), Optional.empty(), description);
        }
    }
}
