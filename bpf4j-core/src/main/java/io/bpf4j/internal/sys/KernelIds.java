package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ids of the kernel's programs, maps, links and BTF objects (BPF_*_GET_NEXT_ID), opening one
 * by id when it may have gone meanwhile (BPF_*_GET_FD_BY_ID), and {@code bpf_btf_info}.
 */
public final class KernelIds {
    /** bpf_btf_info: btf (u64), btf_size (u32), id, name (u64), name_len, kernel_btf. */
    private static final int BTF_INFO_SIZE = 32;

    private static final int NAME_MAX = 64;

    /** The four kinds of object the kernel numbers, with their two commands. */
    public enum Kind {
        PROGRAM(BpfCmd.PROG_GET_NEXT_ID, BpfCmd.PROG_GET_FD_BY_ID, "program"),
        MAP(BpfCmd.MAP_GET_NEXT_ID, BpfCmd.MAP_GET_FD_BY_ID, "map"),
        LINK(BpfCmd.LINK_GET_NEXT_ID, BpfCmd.LINK_GET_FD_BY_ID, "link"),
        BTF(BpfCmd.BTF_GET_NEXT_ID, BpfCmd.BTF_GET_FD_BY_ID, "BTF");

        final BpfCmd next;
        final BpfCmd open;
        final String what;

        Kind(BpfCmd next, BpfCmd open, String what) {
            this.next = next;
            this.open = open;
            this.what = what;
        }
    }

    /** What bpf_btf_info says: id, name (may be empty), size in bytes, whether it is the kernel's (or a module's). */
    public record BtfInfo(int id, String name, int size, boolean kernel) {}

    private KernelIds() {}

    /** Every id of {@code kind} now, ascending. */
    public static List<Integer> ids(Kind kind) {
        List<Integer> out = new ArrayList<>();
        for (int id = Bpf.nextId(kind.next, 0); id > 0; id = Bpf.nextId(kind.next, id)) {
            out.add(id);
        }
        return out;
    }

    /**
     * Opens the object with this id, or empty when it is gone (unloaded since its id was listed:
     * ENOENT), as bpftool skips such objects while listing.
     */
    public static Optional<Fd> openIfPresent(Kind kind, int id) {
        try {
            return Optional.of(Bpf.fdById(kind.open, id, kind.what + " id " + id));
        } catch (BpfException e) {
            if (e.errnoNumber() == Errno.ENOENT.number()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Opens the object with this id; a missing id is an error naming it. */
    public static Fd open(Kind kind, int id) {
        return Bpf.fdById(kind.open, id, kind.what + " id " + id);
    }

    /** bpf_btf_info of an open BTF object. */
    public static BtfInfo btfInfo(Fd fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(BTF_INFO_SIZE, 8);
            MemorySegment name = arena.allocate(NAME_MAX);
            info.set(JAVA_LONG, 16, name.address());
            info.set(JAVA_INT, 24, NAME_MAX);
            Bpf.infoByFd(fd, info);
            int len = Math.min(Math.max(info.get(JAVA_INT, 24), 0), NAME_MAX);
            byte[] b = name.asSlice(0, len).toArray(JAVA_BYTE);
            int n = 0;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return new BtfInfo(
                    info.get(JAVA_INT, 12),
                    new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8),
                    info.get(JAVA_INT, 8),
                    info.get(JAVA_INT, 28) != 0);
        }
    }
}
