package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.internal.elf.ElfBinary;
import io.bpf4j.internal.elf.LibraryPaths;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Attaches a KPROBE-type program to a user-space function (uprobe) or its return (uretprobe)
 * through the uprobe PMU: the binary by absolute path or by bare library name (resolved like the
 * dynamic loader does), the function by symbol (from {@code .symtab} or {@code .dynsym}, turned
 * into a file offset) plus an offset, for every process or one pid.
 *
 * <pre>{@code
 * try (Link l = Uprobe.attach(prog, "libc.so.6", "getpid", 0, false, OptionalInt.empty())) { ... }
 * }</pre>
 */
public final class Uprobe {
    private static final Path PMU = Path.of("/sys/bus/event_source/devices/uprobe");

    private Uprobe() {
    }

    /**
     * Attaches to {@code symbol} + {@code offset} in {@code binary}; {@code ret} for a uretprobe.
     *
     * @throws BpfException naming the binary and symbol when either cannot be found
     */
    public static Link attach(Program program, String binary, String symbol, long offset, boolean ret, OptionalInt pid) {
        Path path = LibraryPaths.resolve(binary).orElseThrow(() -> new BpfException("no library or binary \"" + binary
                + "\" (looked in /etc/ld.so.cache and the standard library directories)", Errno.ENOENT.number(),
                "uprobe", binary));
        long at = ElfBinary.open(path).fileOffsetOfSymbol(symbol).orElseThrow(() -> new BpfException(
                path + " has no function symbol \"" + symbol + "\"", Errno.ENOENT.number(), "uprobe", path.toString()));
        return attachOffset(program, path, at + offset, ret, pid, symbol);
    }

    /** Attaches at a file offset of {@code binary} (no symbol lookup). */
    public static Link attachOffset(Program program, Path binary, long fileOffset, boolean ret, OptionalInt pid, String label) {
        String what = (ret ? "uretprobe " : "uprobe ") + binary + ":" + label + (pid.isPresent() ? " pid " + pid.getAsInt() : "");
        int type = Kprobe.ProbePmu.type(PMU, "uprobes", "CONFIG_UPROBE_EVENTS");
        int retBit = ret ? Kprobe.ProbePmu.retprobeBit(PMU) : -1;
        try (Arena arena = Arena.ofConfined()) {
            long pathPtr = arena.allocateFrom(binary.toString()).address();
            PerfEvents.Attr attr = new PerfEvents.Attr(type, ret ? 1L << retBit : 0, 0, 0, 0, 0, pathPtr, fileOffset);
            // A uprobe for all processes is opened on cpu 0 with pid -1; one process: its pid, any cpu.
            Fd fd = PerfEvents.open(attr, pid.orElse(-1), pid.isPresent() ? -1 : 0, what);
            try {
                return Tracepoint.attachPerfEvent(program, fd, what);
            } catch (RuntimeException e) {
                fd.close();
                throw e;
            }
        }
    }
}
