package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * BPF tokens (Linux 6.9): BPF_TOKEN_CREATE from a bpffs mounted with {@code delegate_*} options,
 * and the token of the load running on this thread, which the map create, BTF load and program
 * load commands send (BPF_F_TOKEN_FD and the command's token fd field) while it is set. The object
 * loader sets it for the duration of one load ({@link #during}), so every map, BTF and program
 * of the object (global data, inner maps included) carries it without each path passing it on.
 */
public final class Tokens {
    /** BPF_F_TOKEN_FD: the same bit in map_flags, prog_flags and btf_flags. */
    public static final int BPF_F_TOKEN_FD = 1 << 16;

    private static final ThreadLocal<Integer> CURRENT = new ThreadLocal<>();

    private Tokens() {}

    /** BPF_TOKEN_CREATE from the bpffs root directory open as {@code bpffsFd}; the fd or {@code -errno}. */
    public static long create(int bpffsFd) {
        MemorySegment attr = Scratch.get().attr(8);
        attr.set(JAVA_INT, 0, 0); // flags
        attr.set(JAVA_INT, 4, bpffsFd); // bpffs_fd
        return Bpf.call(BpfCmd.TOKEN_CREATE, attr, 8);
    }

    /** Runs {@code body} with {@code token} (when present) sent by this thread's create/load commands. */
    public static <T> T during(OptionalInt token, Supplier<T> body) {
        if (token.isEmpty()) {
            return body.get();
        }
        Integer before = CURRENT.get();
        CURRENT.set(token.getAsInt());
        try {
            return body.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** Adds the current token, if any, to a filled BPF_MAP_CREATE attr. */
    public static void onMapCreate(MemorySegment attr) {
        Integer t = CURRENT.get();
        if (t != null) {
            attr.set(JAVA_INT, Attr.MapCreate.MAP_FLAGS, attr.get(JAVA_INT, Attr.MapCreate.MAP_FLAGS) | BPF_F_TOKEN_FD);
            attr.set(JAVA_INT, Attr.MapCreate.MAP_TOKEN_FD, t);
        }
    }

    /** Adds the current token, if any, to a filled BPF_PROG_LOAD attr. */
    public static void onProgLoad(MemorySegment attr) {
        Integer t = CURRENT.get();
        if (t != null) {
            attr.set(JAVA_INT, Attr.ProgLoad.PROG_FLAGS, attr.get(JAVA_INT, Attr.ProgLoad.PROG_FLAGS) | BPF_F_TOKEN_FD);
            attr.set(JAVA_INT, Attr.ProgLoad.PROG_TOKEN_FD, t);
        }
    }

    /** Adds the current token, if any, to a filled BPF_BTF_LOAD attr. */
    public static void onBtfLoad(MemorySegment attr) {
        Integer t = CURRENT.get();
        if (t != null) {
            attr.set(JAVA_INT, Attr.BtfLoad.BTF_FLAGS, attr.get(JAVA_INT, Attr.BtfLoad.BTF_FLAGS) | BPF_F_TOKEN_FD);
            attr.set(JAVA_INT, Attr.BtfLoad.BTF_TOKEN_FD, t);
        }
    }
}
