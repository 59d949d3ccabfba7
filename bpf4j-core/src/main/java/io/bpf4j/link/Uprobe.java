package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.elf.ElfBinary;
import io.bpf4j.internal.elf.LibraryPaths;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A KPROBE-type program on a user-space function (uprobe) or its return (uretprobe) through the
 * uprobe PMU: the binary by absolute path or by bare library name (resolved like the dynamic
 * loader does), the function by symbol (from {@code .symtab} or {@code .dynsym}, turned into a
 * file offset) plus an offset, for every process or one pid.
 *
 * <pre>{@code
 * try (Uprobe l = Uprobe.attach(prog, Uprobe.Spec.of("libc.so.6", "getpid").pid(1234))) { ... }
 * }</pre>
 */
public final class Uprobe extends KernelLink {
    private static final Path PMU = Path.of("/sys/bus/event_source/devices/uprobe");
    /** PERF_UPROBE_REF_CTR_OFFSET_SHIFT: the semaphore offset goes in config bits 32..63. */
    private static final int REF_CTR_SHIFT = 32;

    /**
     * Where a uprobe goes and what it carries.
     *
     * @param binary an absolute path, or a bare library name looked up in {@code /etc/ld.so.cache}
     * @param symbol the function; empty: {@code offset} is a file offset into {@code binary}
     * @param offset bytes added to the symbol's file offset (never negative)
     * @param point entry or return; empty: from the section ({@code uprobe}/{@code uretprobe}), else entry
     * @param pid only this process; empty: every process that maps the binary
     * @param cookie the BPF cookie the program reads with {@code bpf_get_attach_cookie} (0: none)
     * @param refCtrOffset the file offset of a USDT semaphore the kernel counts up while the probe
     *                     is attached (0: none)
     */
    public record Spec(
            String binary,
            Optional<String> symbol,
            long offset,
            Optional<ProbePoint> point,
            OptionalInt pid,
            long cookie,
            long refCtrOffset)
            implements AttachSpec {
        public Spec {
            if (binary == null || binary.isEmpty()) {
                throw new IllegalArgumentException("a uprobe needs a binary (a path or a library name)");
            }
            if (offset < 0) {
                throw new IllegalArgumentException("uprobe offset " + offset + " in " + binary
                        + symbol.map(s -> ":" + s).orElse("") + " is negative: a probe cannot go before "
                        + (symbol.isPresent() ? "the symbol" : "the start of the file"));
            }
            if (refCtrOffset < 0) {
                throw new IllegalArgumentException("uprobe semaphore offset " + refCtrOffset + " is negative");
            }
            if (pid.isPresent() && pid.getAsInt() <= 0) {
                throw new IllegalArgumentException("uprobe pid " + pid.getAsInt() + " is not a process id");
            }
        }

        /** The entry of {@code symbol} in {@code binary}, for every process. */
        public static Spec of(String binary, String symbol) {
            return new Spec(binary, Optional.of(symbol), 0, Optional.empty(), OptionalInt.empty(), 0, 0);
        }

        /** File offset {@code fileOffset} of {@code binary} (no symbol lookup). */
        public static Spec atOffset(String binary, long fileOffset) {
            return new Spec(binary, Optional.empty(), fileOffset, Optional.empty(), OptionalInt.empty(), 0, 0);
        }

        /** The same, {@code bytes} further into the function. */
        public Spec offset(long bytes) {
            return new Spec(binary, symbol, bytes, point, pid, cookie, refCtrOffset);
        }

        /** The same at {@code p} (entry or return). */
        public Spec at(ProbePoint p) {
            return new Spec(binary, symbol, offset, Optional.of(p), pid, cookie, refCtrOffset);
        }

        /** The same for one process. */
        public Spec pid(int processId) {
            return new Spec(binary, symbol, offset, point, OptionalInt.of(processId), cookie, refCtrOffset);
        }

        /** The same with a BPF cookie. */
        public Spec cookie(long value) {
            return new Spec(binary, symbol, offset, point, pid, value, refCtrOffset);
        }

        /** The same with a USDT semaphore at file offset {@code fileOffset}. */
        public Spec refCtrOffset(long fileOffset) {
            return new Spec(binary, symbol, offset, point, pid, cookie, fileOffset);
        }

        @Override
        public String describe() {
            return (point.orElse(ProbePoint.ENTRY) == ProbePoint.RETURN ? "uretprobe " : "uprobe ")
                    + binary
                    + symbol.map(s -> ":" + s + (offset != 0 ? "+" + offset : ""))
                            .orElse(":0x" + Long.toHexString(offset))
                    + (pid.isPresent() ? " pid " + pid.getAsInt() : "");
        }
    }

    private Uprobe(PerfLinks.Attached a) {
        super(a);
    }

    /**
     * Attaches to {@code symbol} + {@code offset} in {@code binary}; {@code ret} for a uretprobe.
     *
     * @deprecated use {@link #attach(Program, Spec)}: {@code Uprobe.Spec.of(binary, symbol)}
     */
    @Deprecated
    public static Uprobe attach(
            Program program, String binary, String symbol, long offset, boolean ret, OptionalInt pid) {
        return attach(
                program,
                new Spec(
                        binary,
                        Optional.of(symbol),
                        offset,
                        Optional.of(ret ? ProbePoint.RETURN : ProbePoint.ENTRY),
                        pid,
                        0,
                        0));
    }

    /**
     * Attaches as {@code spec} says.
     *
     * @throws BpfException naming the binary and symbol when either cannot be found
     */
    public static Uprobe attach(Program program, Spec spec) {
        LinkCreate.requireType(program, "a uprobe", ProgramType.KPROBE);
        Path path = resolve(spec.binary(), "uprobe");
        long at = spec.offset();
        if (spec.symbol().isPresent()) {
            String symbol = spec.symbol().get();
            at += ElfBinary.open(path)
                    .fileOffsetOfSymbol(symbol)
                    .orElseThrow(() -> new BpfException(
                            path + " has no function symbol \"" + symbol + "\"",
                            Errno.ENOENT.number(),
                            "uprobe",
                            path.toString()));
        }
        String what = spec.describe().replace(spec.binary(), path.toString());
        boolean ret = spec.point().orElse(ProbePoint.ENTRY) == ProbePoint.RETURN;
        int type = Kprobe.ProbePmu.type(PMU, "uprobes", "CONFIG_UPROBE_EVENTS");
        int retBit = ret ? Kprobe.ProbePmu.retprobeBit(PMU) : -1;
        long config = (ret ? 1L << retBit : 0) | spec.refCtrOffset() << REF_CTR_SHIFT;
        try (Arena arena = Arena.ofConfined()) {
            long pathPtr = arena.allocateFrom(path.toString()).address();
            PerfEvents.Attr attr = new PerfEvents.Attr(type, config, 0, 0, 0, 0, pathPtr, at);
            OptionalInt pid = spec.pid();
            Fd fd;
            try {
                // A uprobe for all processes is opened on cpu 0 with pid -1; one process: its pid, any cpu.
                fd = PerfEvents.open(attr, pid.orElse(-1), pid.isPresent() ? -1 : 0, what);
            } catch (BpfException e) {
                String hint = e.errno().orElse(null) == Errno.ESRCH ? " (no process " + pid.orElse(-1) + ")" : "";
                throw new BpfException(
                        "the kernel refused " + what + " for program \"" + program.name() + "\"" + hint,
                        e.errnoNumber(),
                        "perf_event_open",
                        what);
            }
            return new Uprobe(PerfLinks.attach(program, fd, what, spec.cookie()));
        }
    }

    /**
     * Attaches at a file offset of {@code binary} (no symbol lookup).
     *
     * @deprecated use {@link #attach(Program, Spec)} with {@link Spec#atOffset}
     */
    @Deprecated
    public static Uprobe attachOffset(
            Program program, Path binary, long fileOffset, boolean ret, OptionalInt pid, String label) {
        return attach(
                program,
                new Spec(
                        binary.toString(),
                        Optional.empty(),
                        fileOffset,
                        Optional.of(ret ? ProbePoint.RETURN : ProbePoint.ENTRY),
                        pid,
                        0,
                        0));
    }

    /** A binary by path or library name, as the dynamic loader finds it. */
    static Path resolve(String binary, String what) {
        return LibraryPaths.resolve(binary)
                .orElseThrow(() -> new BpfException(
                        "no library or binary \"" + binary
                                + "\" (looked in /etc/ld.so.cache and the standard library directories)",
                        Errno.ENOENT.number(),
                        what,
                        binary));
    }
}
