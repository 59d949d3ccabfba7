package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One link for kprobes on many kernel functions (BPF_TRACE_KPROBE_MULTI, Linux 5.18, built on
 * fprobe): the program must be loaded with expected attach type {@code TRACE_KPROBE_MULTI}.
 * Kernels without fprobe refuse it with {@link io.bpf4j.NotSupportedException}.
 *
 * <pre>{@code
 * try (Link l = KprobeMulti.attach(prog, List.of("do_unlinkat", "do_rmdir"), false)) { ... }
 * }</pre>
 */
public final class KprobeMulti {
    /** BPF_F_KPROBE_MULTI_RETURN. */
    private static final int RETURN = 1;
    // BPF_LINK_CREATE's kprobe_multi member.
    private static final long FLAGS = 16;
    private static final long CNT = 20;
    private static final long SYMS = 24;

    private KprobeMulti() {
    }

    /** Attaches to the entry (or, with {@code ret}, the return) of every function in {@code functions}. */
    public static Link attach(Program program, List<String> functions, boolean ret) {
        if (functions.isEmpty()) {
            throw new IllegalArgumentException("kprobe_multi for program \"" + program.name() + "\" needs a function");
        }
        String description = (ret ? "kretprobe_multi " : "kprobe_multi ") + functions + " -> program \""
                + program.name() + "\"";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment syms = arena.allocate(ADDRESS, functions.size());
            for (int i = 0; i < functions.size(); i++) {
                syms.setAtIndex(ADDRESS, i, arena.allocateFrom(functions.get(i)));
            }
            MemorySegment attr = arena.allocate(LinkAttr.CREATE_SIZE, 8);
            attr.set(JAVA_INT, LinkAttr.CREATE_PROG_FD, program.fd());
            attr.set(JAVA_INT, LinkAttr.CREATE_ATTACH_TYPE, AttachType.TRACE_KPROBE_MULTI.value());
            attr.set(JAVA_INT, FLAGS, ret ? RETURN : 0);
            attr.set(JAVA_INT, CNT, functions.size());
            attr.set(JAVA_LONG, SYMS, syms.address());
            long r = Bpf.call(BpfCmd.LINK_CREATE, attr, LinkAttr.CREATE_SIZE);
            if (r < 0) {
                throw Bpf.errorOrUnsupported("cannot attach " + description, r, BpfCmd.LINK_CREATE, description,
                        "kprobe_multi links (CONFIG_FPROBE)", "5.18");
            }
            return new Link(new Fd((int) r, "link " + description), Optional.empty(), description);
        }
    }
}
