package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The raw bytes of a BTF object the kernel holds, by its id (what bpftool reads to print a map's
 * keys and values): BPF_BTF_GET_FD_BY_ID, then bpf_btf_info twice, once for the size and once
 * into a buffer of that size.
 */
public final class BtfById {
    /** bpf_btf_info: btf (u64), btf_size (u32), id, name (u64), name_len, kernel_btf. */
    private static final int INFO_SIZE = 32;

    private static final long BTF = 0;
    private static final long BTF_SIZE = 8;
    /** More than any object's BTF; vmlinux's is about 6 MiB. */
    private static final int MAX_SIZE = 1 << 28;

    private BtfById() {}

    /** The BTF blob with kernel id {@code id}. */
    public static byte[] read(int id) {
        try (Fd fd = Bpf.fdById(BpfCmd.BTF_GET_FD_BY_ID, id, "BTF id " + id);
                Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(INFO_SIZE, 8);
            Bpf.infoByFd(fd, info);
            int size = info.get(JAVA_INT, BTF_SIZE);
            if (size <= 0 || size > MAX_SIZE) {
                throw new io.bpf4j.BpfException(
                        "BTF id " + id + " claims " + Integer.toUnsignedString(size) + " bytes");
            }
            MemorySegment data = arena.allocate(size, 8);
            info.fill((byte) 0);
            info.set(JAVA_LONG, BTF, data.address());
            info.set(JAVA_INT, BTF_SIZE, size);
            Bpf.infoByFd(fd, info);
            int got = info.get(JAVA_INT, BTF_SIZE);
            if (got != size) {
                throw new io.bpf4j.BpfException(
                        "BTF id " + id + " changed size while read (" + size + " then " + got + ")");
            }
            return data.toArray(JAVA_BYTE);
        }
    }
}
