package io.bpf4j.link;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.elf.ElfBinary;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One link for many uprobes in one binary (BPF_TRACE_UPROBE_MULTI, Linux 6.6): the program must
 * be loaded with expected attach type {@code TRACE_UPROBE_MULTI} ({@code SEC("uprobe.multi/...")}).
 * Symbols are names or libbpf globs ({@code pthread_*}).
 *
 * <pre>{@code
 * try (UprobeMulti l = UprobeMulti.attach(prog, UprobeMulti.Spec.of("libc.so.6", "getpid", "getppid"))) { ... }
 * }</pre>
 */
public final class UprobeMulti extends KernelLink {
    /** BPF_F_UPROBE_MULTI_RETURN. */
    private static final int RETURN = 1;

    /**
     * A binary, its functions (names or patterns), entry or return, one process or all.
     *
     * @param binary an absolute path or a library name looked up in {@code /etc/ld.so.cache}
     * @param symbols function names or patterns with {@code *} and {@code ?}
     * @param point entry or return; empty: from the section, else entry
     * @param pid only this process; empty: every process that maps the binary
     */
    public record Spec(String binary, List<String> symbols, Optional<ProbePoint> point, OptionalInt pid)
            implements AttachSpec {
        public Spec {
            symbols = List.copyOf(symbols);
            if (symbols.isEmpty()) {
                throw new IllegalArgumentException(
                        "a uprobe.multi on " + binary + " needs at least one symbol or pattern");
            }
            if (pid.isPresent() && pid.getAsInt() <= 0) {
                throw new IllegalArgumentException("uprobe.multi pid " + pid.getAsInt() + " is not a process id");
            }
        }

        /** These functions of {@code binary}, entry, every process. */
        public static Spec of(String binary, String... symbols) {
            return new Spec(binary, List.of(symbols), Optional.empty(), OptionalInt.empty());
        }

        /** The same at {@code p}. */
        public Spec at(ProbePoint p) {
            return new Spec(binary, symbols, Optional.of(p), pid);
        }

        /** The same for one process. */
        public Spec pid(int processId) {
            return new Spec(binary, symbols, point, OptionalInt.of(processId));
        }

        @Override
        public String describe() {
            return (point.orElse(ProbePoint.ENTRY) == ProbePoint.RETURN ? "uretprobe.multi " : "uprobe.multi ") + binary
                    + ":" + String.join(",", symbols) + (pid.isPresent() ? " pid " + pid.getAsInt() : "");
        }
    }

    private UprobeMulti(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /**
     * Attaches to every function of {@code symbols} in {@code binary}; {@code ret} for return probes.
     *
     * @deprecated use {@link #attach(Program, Spec)}
     */
    @Deprecated
    public static UprobeMulti attach(
            Program program, String binary, List<String> symbols, boolean ret, OptionalInt pid) {
        return attach(program, new Spec(binary, symbols, Optional.of(ret ? ProbePoint.RETURN : ProbePoint.ENTRY), pid));
    }

    /**
     * Attaches as {@code spec} says.
     *
     * @throws BpfException naming the binary or the symbol that cannot be found, or a pattern that matches nothing
     */
    public static UprobeMulti attach(Program program, Spec spec) {
        LinkCreate.requireType(program, "uprobe.multi", ProgramType.KPROBE);
        Path path = Uprobe.resolve(spec.binary(), "uprobe_multi");
        ElfBinary elf = ElfBinary.open(path);
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (String s : spec.symbols()) {
            List<String> names = Glob.isPattern(s)
                    ? elf.functionNames().stream()
                            .filter(n -> Glob.matches(n, s))
                            .toList()
                    : List.of(s);
            if (names.isEmpty()) {
                throw new BpfException(
                        path + " has no function matching \"" + s + "\"",
                        Errno.ENOENT.number(),
                        "uprobe_multi",
                        path.toString());
            }
            for (String n : names) {
                offsets.put(
                        n,
                        elf.fileOffsetOfSymbol(n)
                                .orElseThrow(() -> new BpfException(
                                        path + " has no function symbol \"" + n + "\"",
                                        Errno.ENOENT.number(),
                                        "uprobe_multi",
                                        path.toString())));
            }
        }
        // Two names of one address (aliases) would be one probe twice: the kernel refuses that.
        List<Long> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(offsets.values()));
        long[] offs = distinct.stream().mapToLong(Long::longValue).toArray();
        boolean ret = spec.point().orElse(ProbePoint.ENTRY) == ProbePoint.RETURN;
        String description = LinkCreate.describe(spec.describe().replace(spec.binary(), path.toString()), program);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offSeg = arena.allocateFrom(JAVA_LONG, offs);
            long r = Links.createUprobeMulti(
                    program.fd(),
                    AttachType.TRACE_UPROBE_MULTI.value(),
                    ret ? RETURN : 0,
                    arena.allocateFrom(path.toString()),
                    offSeg,
                    MemorySegment.NULL,
                    MemorySegment.NULL,
                    offs.length,
                    spec.pid().orElse(0));
            if (r < 0) {
                throw LinkErrors.refused(
                        description, r, BpfCmd.LINK_CREATE, AttachType.TRACE_UPROBE_MULTI, "uprobe_multi links", "6.6");
            }
            return new UprobeMulti(new Fd((int) r, "link " + description), description);
        }
    }
}
