package io.bpf4j.link;

import static java.lang.foreign.ValueLayout.ADDRESS;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * One link for kprobes on many kernel functions (BPF_TRACE_KPROBE_MULTI, Linux 5.18, built on
 * fprobe): the program must be loaded with expected attach type {@code TRACE_KPROBE_MULTI}
 * ({@code SEC("kprobe.multi/...")}). Functions are names or libbpf globs ({@code tcp_*}).
 *
 * <pre>{@code
 * try (KprobeMulti l = KprobeMulti.attach(prog, KprobeMulti.Spec.of("do_unlinkat", "do_rmdir"))) { ... }
 * }</pre>
 */
public final class KprobeMulti extends KernelLink {
    /** BPF_F_KPROBE_MULTI_RETURN. */
    private static final int RETURN = 1;

    /**
     * Functions (names or glob patterns), entry or return.
     *
     * @param functions kernel function names or patterns with {@code *} and {@code ?}
     * @param point entry or return; empty: from the section ({@code kprobe.multi}/{@code kretprobe.multi}), else entry
     */
    public record Spec(List<String> functions, Optional<ProbePoint> point) implements AttachSpec {
        public Spec {
            functions = List.copyOf(functions);
            if (functions.isEmpty()) {
                throw new IllegalArgumentException("a kprobe.multi needs at least one function or pattern");
            }
        }

        /** These functions or patterns, entry. */
        public static Spec of(String... functions) {
            return new Spec(List.of(functions), Optional.empty());
        }

        /** The same at {@code p}. */
        public Spec at(ProbePoint p) {
            return new Spec(functions, Optional.of(p));
        }

        @Override
        public String describe() {
            return (point.orElse(ProbePoint.ENTRY) == ProbePoint.RETURN ? "kretprobe.multi " : "kprobe.multi ")
                    + String.join(",", functions);
        }
    }

    private KprobeMulti(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /**
     * Attaches to the entry (or, with {@code ret}, the return) of every function in {@code functions}.
     *
     * @deprecated use {@link #attach(Program, Spec)}
     */
    @Deprecated
    public static KprobeMulti attach(Program program, List<String> functions, boolean ret) {
        return attach(program, new Spec(functions, Optional.of(ret ? ProbePoint.RETURN : ProbePoint.ENTRY)));
    }

    /**
     * Attaches as {@code spec} says, patterns resolved to the kernel functions that match.
     *
     * @throws BpfException when a pattern matches no function
     */
    public static KprobeMulti attach(Program program, Spec spec) {
        LinkCreate.requireType(program, "kprobe.multi", ProgramType.KPROBE);
        List<String> functions = resolve(spec.functions());
        boolean ret = spec.point().orElse(ProbePoint.ENTRY) == ProbePoint.RETURN;
        String description = LinkCreate.describe(spec.describe(), program);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment syms = arena.allocate(ADDRESS, functions.size());
            for (int i = 0; i < functions.size(); i++) {
                syms.setAtIndex(ADDRESS, i, arena.allocateFrom(functions.get(i)));
            }
            long r = Links.createKprobeMulti(
                    program.fd(),
                    AttachType.TRACE_KPROBE_MULTI.value(),
                    ret ? RETURN : 0,
                    functions.size(),
                    syms,
                    MemorySegment.NULL,
                    MemorySegment.NULL);
            if (r < 0) {
                if (r == -Errno.EOPNOTSUPP.number() || r == -Errno.ENOTSUPP.number()) {
                    // The kernel knows the attach type but was built without fprobe.
                    throw new io.bpf4j.NotSupportedException(
                            "kprobe_multi links (the kernel was built without" + " CONFIG_FPROBE)",
                            "5.18",
                            (int) -r,
                            BpfCmd.LINK_CREATE.kernelName(),
                            description);
                }
                throw LinkErrors.refused(
                        description,
                        r,
                        BpfCmd.LINK_CREATE,
                        AttachType.TRACE_KPROBE_MULTI,
                        "kprobe_multi links",
                        "5.18");
            }
            return new KprobeMulti(new Fd((int) r, "link " + description), description);
        }
    }

    /** Names stay; patterns become the kernel functions they match. */
    static List<String> resolve(List<String> functions) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String f : functions) {
            if (!Glob.isPattern(f)) {
                out.add(f);
                continue;
            }
            List<String> matched = Glob.kernelFunctions(f);
            if (matched.isEmpty()) {
                throw new BpfException(
                        "no kernel function matches the kprobe.multi pattern \"" + f + "\"",
                        Errno.ENOENT.number(),
                        "kprobe.multi",
                        f);
            }
            out.addAll(matched);
        }
        return new ArrayList<>(out);
    }
}
