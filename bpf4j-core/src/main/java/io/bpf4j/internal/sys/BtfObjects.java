package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** BPF_BTF_LOAD of a raw BTF blob, with the kernel's log when it refuses. */
public final class BtfObjects {
    private BtfObjects() {}

    /** Loads {@code blob} (a .BTF section's bytes); returns the fd or {@code -errno}, no log. */
    public static long loadRaw(byte[] blob) {
        Memlock.ensureRaised();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(blob.length, 8);
            MemorySegment.copy(blob, 0, data, JAVA_BYTE, 0, blob.length);
            MemorySegment attr = arena.allocate(Attr.BtfLoad.LAYOUT);
            attr.set(JAVA_LONG, Attr.BtfLoad.BTF, data.address());
            attr.set(JAVA_INT, Attr.BtfLoad.BTF_SIZE, blob.length);
            Tokens.onBtfLoad(attr);
            return Bpf.call(BpfCmd.BTF_LOAD, attr, Attr.BtfLoad.SIZE);
        }
    }

    /**
     * Loads {@code blob} into the kernel.
     *
     * @throws io.bpf4j.BpfException with the kernel's BTF log when it refuses the blob
     */
    public static Fd load(byte[] blob, String what) {
        long r = loadRaw(blob);
        if (r >= 0) {
            return new Fd((int) r, what);
        }
        String log;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(blob.length, 8);
            MemorySegment.copy(blob, 0, data, JAVA_BYTE, 0, blob.length);
            MemorySegment buf = arena.allocate(64 * 1024);
            MemorySegment attr = arena.allocate(Attr.BtfLoad.LAYOUT);
            attr.set(JAVA_LONG, Attr.BtfLoad.BTF, data.address());
            attr.set(JAVA_INT, Attr.BtfLoad.BTF_SIZE, blob.length);
            Tokens.onBtfLoad(attr);
            attr.set(JAVA_LONG, Attr.BtfLoad.BTF_LOG_BUF, buf.address());
            attr.set(JAVA_INT, Attr.BtfLoad.BTF_LOG_SIZE, (int) buf.byteSize());
            attr.set(JAVA_INT, Attr.BtfLoad.BTF_LOG_LEVEL, 1);
            long again = Bpf.call(BpfCmd.BTF_LOAD, attr, Attr.BtfLoad.SIZE);
            if (again >= 0) {
                return new Fd((int) again, what);
            }
            log = buf.getString(0).strip();
        }
        throw Bpf.error("the kernel refused " + what + (log.isEmpty() ? "" : ":\n" + log), r, BpfCmd.BTF_LOAD, what);
    }
}
