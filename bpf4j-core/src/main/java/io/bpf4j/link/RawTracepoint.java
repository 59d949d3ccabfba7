package io.bpf4j.link;

import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Attaches a {@code RAW_TRACEPOINT} program by tracepoint name, or a {@code TRACING} program of
 * attach type {@code TRACE_RAW_TP} ({@code tp_btf}) whose target was fixed at load by its BTF id
 * (pass no name), with BPF_RAW_TRACEPOINT_OPEN.
 *
 * <pre>{@code
 * try (BpfLink l = RawTracepoint.attach(prog, "sys_enter")) { ... }
 * try (BpfLink l = RawTracepoint.attachBtf(tpBtfProg)) { ... }
 * }</pre>
 */
public final class RawTracepoint {
    private RawTracepoint() {
    }

    /** Attaches a raw tracepoint program to the tracepoint {@code name} (e.g. {@code sched_switch}). */
    public static BpfLink attach(Program program, String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("raw tracepoint name is empty for program \"" + program.name() + "\"");
        }
        return open(program, name, 0);
    }

    /** Attaches with a BPF cookie ({@code bpf_get_attach_cookie()}, Linux 6.10+). */
    public static BpfLink attach(Program program, String name, long cookie) {
        return open(program, name, cookie);
    }

    /**
     * Attaches a {@code tp_btf}/fentry/fexit/fmod_ret/lsm program, whose target was given at load
     * ({@code ProgramSpec.attachBtfId}).
     */
    public static BpfLink attachBtf(Program program) {
        return open(program, null, 0);
    }

    private static BpfLink open(Program program, String name, long cookie) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(LinkAttr.RawTracepointOpen.SIZE, 8);
            attr.set(JAVA_LONG, LinkAttr.RawTracepointOpen.NAME,
                    name == null ? 0 : arena.allocateFrom(name).address());
            attr.set(JAVA_INT, LinkAttr.RawTracepointOpen.PROG_FD, program.fd());
            attr.set(JAVA_LONG, LinkAttr.RawTracepointOpen.COOKIE, cookie);
            long r = Bpf.call(BpfCmd.RAW_TRACEPOINT_OPEN, attr, LinkAttr.RawTracepointOpen.SIZE);
            String target = name == null ? "its BTF target" : "raw tracepoint " + name;
            if (r < 0) {
                throw Bpf.error("cannot attach program \"" + program.name() + "\" to " + target, r,
                        BpfCmd.RAW_TRACEPOINT_OPEN, "program \"" + program.name() + "\"");
            }
            return BpfLink.adopt(new Fd((int) r, "link of \"" + program.name() + "\" to " + target));
        }
    }
}
