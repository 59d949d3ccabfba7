package io.bpf4j;

import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.KernelIds;
import io.bpf4j.link.KernelLink;
import io.bpf4j.link.Link;
import io.bpf4j.link.LinkInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * What is loaded in the kernel right now, as {@code bpftool prog|map|link|btf list} sees it: the
 * ids of every program, map, link and BTF object (BPF_*_GET_NEXT_ID), each opened by id and its
 * info read once. An object unloaded between listing its id and opening it is skipped, as
 * bpftool does. Needs CAP_SYS_ADMIN.
 *
 * <pre>{@code
 * for (ProgramInfo p : KernelObjects.programs()) {
 *     System.out.println(p.id() + " " + p.name() + " " + p.type());
 * }
 * KernelObjects.forEachMap((map, info) -> {          // open handles, closed after each call
 *     if (info.name().equals("counts")) { ... map.lookup(key) ... }
 * });
 * }</pre>
 */
public final class KernelObjects {

    /**
     * A BTF object the kernel holds (bpf_btf_info).
     *
     * @param id its kernel id
     * @param name its name: {@code vmlinux} or a module's name for kernel BTF, often empty for a program's
     * @param size its size in bytes
     * @param kernel whether it is the kernel's or a module's BTF (not loaded by a program)
     */
    public record BtfInfo(int id, String name, int size, boolean kernel) {}

    private KernelObjects() {}

    /** Ids of the loaded programs, ascending. */
    public static List<Integer> programIds() {
        return KernelIds.ids(KernelIds.Kind.PROGRAM);
    }

    /** Ids of the maps, ascending. */
    public static List<Integer> mapIds() {
        return KernelIds.ids(KernelIds.Kind.MAP);
    }

    /** Ids of the links, ascending. */
    public static List<Integer> linkIds() {
        return KernelIds.ids(KernelIds.Kind.LINK);
    }

    /** Ids of the BTF objects, ascending. */
    public static List<Integer> btfIds() {
        return KernelIds.ids(KernelIds.Kind.BTF);
    }

    /**
     * Opens every loaded program in id order and hands it with its info to {@code action}; the
     * program is closed when {@code action} returns (the kernel's program stays loaded). Programs
     * of a type bpf4j does not know are skipped here; {@link #programs()} lists them.
     */
    public static void forEachProgram(BiConsumer<Program, ProgramInfo> action) {
        for (int id : programIds()) {
            Optional<Fd> fd = KernelIds.openIfPresent(KernelIds.Kind.PROGRAM, id);
            if (fd.isEmpty()) {
                continue;
            }
            ProgramInfo info;
            try {
                info = ProgramInfoLayout.read(fd.get());
            } catch (RuntimeException e) {
                fd.get().close();
                throw e;
            }
            if (info.type().isEmpty()) {
                fd.get().close();
                continue;
            }
            try (Program p = Program.opened(fd.get(), info)) {
                action.accept(p, info);
            }
        }
    }

    /** The info of every loaded program, in id order (each opened, read once, closed). */
    public static List<ProgramInfo> programs() {
        List<ProgramInfo> out = new ArrayList<>();
        for (int id : programIds()) {
            KernelIds.openIfPresent(KernelIds.Kind.PROGRAM, id).ifPresent(fd -> {
                try (fd) {
                    out.add(ProgramInfoLayout.read(fd));
                }
            });
        }
        return out;
    }

    /**
     * Opens every map in id order and hands it with its info to {@code action}; the handle is
     * closed when {@code action} returns. Maps of a type bpf4j does not know are skipped here;
     * {@link #maps()} lists them.
     */
    public static void forEachMap(BiConsumer<BpfMap, MapInfo> action) {
        for (int id : mapIds()) {
            Optional<Fd> fd = KernelIds.openIfPresent(KernelIds.Kind.MAP, id);
            if (fd.isEmpty()) {
                continue;
            }
            MapInfo info;
            try {
                info = BpfMap.readInfo(fd.get());
            } catch (RuntimeException e) {
                fd.get().close();
                throw e;
            }
            if (info.type().isEmpty()) {
                fd.get().close();
                continue;
            }
            try (BpfMap m = BpfMap.opened(fd.get(), info)) {
                action.accept(m, info);
            }
        }
    }

    /** The info of every map, in id order. */
    public static List<MapInfo> maps() {
        List<MapInfo> out = new ArrayList<>();
        for (int id : mapIds()) {
            KernelIds.openIfPresent(KernelIds.Kind.MAP, id).ifPresent(fd -> {
                try (fd) {
                    out.add(BpfMap.readInfo(fd));
                }
            });
        }
        return out;
    }

    /**
     * Opens every link in id order and hands it with its info to {@code action}; closing the
     * handle afterwards drops only this reference, the link stays attached.
     */
    public static void forEachLink(BiConsumer<KernelLink, LinkInfo> action) {
        for (int id : linkIds()) {
            KernelLink link;
            try {
                link = Link.fromId(id);
            } catch (BpfException e) {
                if (e.errnoNumber() == Errno.ENOENT.number()) {
                    continue; // gone since listed
                }
                throw e;
            }
            try (link) {
                action.accept(link, link.info());
            }
        }
    }

    /** The info of every link, in id order. */
    public static List<LinkInfo> links() {
        List<LinkInfo> out = new ArrayList<>();
        forEachLink((l, info) -> out.add(info));
        return out;
    }

    /** The info of every BTF object, in id order. */
    public static List<BtfInfo> btfs() {
        List<BtfInfo> out = new ArrayList<>();
        for (int id : btfIds()) {
            KernelIds.openIfPresent(KernelIds.Kind.BTF, id).ifPresent(fd -> {
                try (fd) {
                    out.add(of(KernelIds.btfInfo(fd)));
                }
            });
        }
        return out;
    }

    /** The info of the BTF object with this id. */
    public static BtfInfo btf(int id) {
        try (Fd fd = KernelIds.open(KernelIds.Kind.BTF, id)) {
            return of(KernelIds.btfInfo(fd));
        }
    }

    /** The raw bytes of the BTF object with this id (parse them with {@link io.bpf4j.btf.Btf#parse}). */
    public static byte[] btfData(int id) {
        return io.bpf4j.internal.sys.BtfById.read(id);
    }

    private static BtfInfo of(KernelIds.BtfInfo b) {
        return new BtfInfo(b.id(), b.name(), b.size(), b.kernel());
    }
}
