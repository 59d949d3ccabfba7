package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.internal.elf.ElfBinary;
import io.bpf4j.internal.elf.LibraryPaths;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One link for many uprobes in one binary (BPF_TRACE_UPROBE_MULTI, Linux 6.6): the program must
 * be loaded with expected attach type {@code TRACE_UPROBE_MULTI}.
 *
 * <pre>{@code
 * try (Link l = UprobeMulti.attach(prog, "libc.so.6", List.of("getpid", "getppid"), false, OptionalInt.empty())) { ... }
 * }</pre>
 */
public final class UprobeMulti {
    /** BPF_F_UPROBE_MULTI_RETURN. */
    private static final int RETURN = 1;
    // BPF_LINK_CREATE's uprobe_multi member.
    private static final long PATH = 16;
    private static final long OFFSETS = 24;
    private static final long CNT = 48;
    private static final long FLAGS = 52;
    private static final long PID = 56;

    private UprobeMulti() {
    }

    /**
     * Attaches to every function of {@code symbols} in {@code binary} (absolute path or library
     * name found through /etc/ld.so.cache); {@code ret} for return probes; {@code pid} limits it
     * to one process.
     *
     * @throws BpfException naming the binary or the symbol that cannot be found
     */
    public static Link attach(Program program, String binary, List<String> symbols, boolean ret, OptionalInt pid) {
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("uprobe_multi for program \"" + program.name() + "\" needs a symbol");
        }
        Path path = LibraryPaths.resolve(binary).orElseThrow(() -> new BpfException("no library or binary \"" + binary
                + "\" (looked in /etc/ld.so.cache and the standard library directories)", Errno.ENOENT.number(),
                "uprobe_multi", binary));
        ElfBinary elf = ElfBinary.open(path);
        long[] offsets = new long[symbols.size()];
        for (int i = 0; i < offsets.length; i++) {
            String s = symbols.get(i);
            offsets[i] = elf.fileOffsetOfSymbol(s).orElseThrow(() -> new BpfException(path + " has no function symbol \""
                    + s + "\"", Errno.ENOENT.number(), "uprobe_multi", path.toString()));
        }
        String description = (ret ? "uretprobe_multi " : "uprobe_multi ") + path + ":" + symbols
                + (pid.isPresent() ? " pid " + pid.getAsInt() : "") + " -> program \"" + program.name() + "\"";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offs = arena.allocateFrom(JAVA_LONG, offsets);
            MemorySegment attr = arena.allocate(LinkAttr.CREATE_SIZE, 8);
            attr.set(JAVA_INT, LinkAttr.CREATE_PROG_FD, program.fd());
            attr.set(JAVA_INT, LinkAttr.CREATE_ATTACH_TYPE, AttachType.TRACE_UPROBE_MULTI.value());
            attr.set(JAVA_LONG, PATH, arena.allocateFrom(path.toString()).address());
            attr.set(JAVA_LONG, OFFSETS, offs.address());
            attr.set(JAVA_INT, CNT, offsets.length);
            attr.set(JAVA_INT, FLAGS, ret ? RETURN : 0);
            attr.set(JAVA_INT, PID, pid.orElse(0));
            long r = Bpf.call(BpfCmd.LINK_CREATE, attr, LinkAttr.CREATE_SIZE);
            if (r < 0) {
                throw Bpf.errorOrUnsupported("cannot attach " + description, r, BpfCmd.LINK_CREATE, description,
                        "uprobe_multi links", "6.6");
            }
            return new Link(new Fd((int) r, "link " + description), Optional.empty(), description);
        }
    }
}
