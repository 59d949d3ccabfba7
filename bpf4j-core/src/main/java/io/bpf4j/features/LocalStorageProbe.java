package io.bpf4j.features;

import io.bpf4j.MapFlags;
import io.bpf4j.MapType;
import io.bpf4j.internal.sys.Attr;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.BtfObjects;
import io.bpf4j.internal.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Local-storage maps (sk, inode, task, cgroup storage) can only be created with BTF for their key
 * and value, so their probe loads a tiny hand-made BTF first: {@code [1] int}, {@code [2] struct
 * val { int cnt; }} — the shape libbpf's probe uses, without the spin lock.
 */
final class LocalStorageProbe {
    private LocalStorageProbe() {
    }

    static int probe(MapType type) {
        try (Arena arena = Arena.ofConfined()) {
            long btf = loadBtf(arena);
            if (btf < 0) {
                return (int) -btf;
            }
            try {
                MemorySegment attr = arena.allocate(Attr.MapCreate.LAYOUT);
                attr.set(JAVA_INT, Attr.MapCreate.MAP_TYPE, type.value());
                attr.set(JAVA_INT, Attr.MapCreate.KEY_SIZE, 4);
                attr.set(JAVA_INT, Attr.MapCreate.VALUE_SIZE, 4);
                attr.set(JAVA_INT, Attr.MapCreate.MAX_ENTRIES, 0);
                attr.set(JAVA_INT, Attr.MapCreate.MAP_FLAGS, MapFlags.NO_PREALLOC);
                attr.set(JAVA_INT, Attr.MapCreate.BTF_FD, (int) btf);
                attr.set(JAVA_INT, Attr.MapCreate.BTF_KEY_TYPE_ID, 1);
                attr.set(JAVA_INT, Attr.MapCreate.BTF_VALUE_TYPE_ID, 2);
                long r = Bpf.call(BpfCmd.MAP_CREATE, attr, Attr.MapCreate.SIZE);
                if (r < 0) {
                    return (int) -r;
                }
                Libc.syscall(Libc.SYS_CLOSE, r, 0, 0);
                return 0;
            } finally {
                Libc.syscall(Libc.SYS_CLOSE, btf, 0, 0);
            }
        }
    }

    /** The BTF blob: header, two types, string table "\0int\0val\0cnt\0". */
    static byte[] blob() {
        byte[] strings = "\0int\0val\0cnt\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer types = ByteBuffer.allocate(16 + 12 + 12).order(ByteOrder.LITTLE_ENDIAN);
        // [1] INT "int": name_off 1, info kind 1, size 4, encoding SIGNED bits 32
        types.putInt(1).putInt(1 << 24).putInt(4).putInt((1 << 24) | 32);
        // [2] STRUCT "val": name_off 5, kind 4 vlen 1, size 4; member "cnt" type 1 offset 0
        types.putInt(5).putInt((4 << 24) | 1).putInt(4);
        types.putInt(9).putInt(1).putInt(0);
        ByteBuffer b = ByteBuffer.allocate(24 + types.capacity() + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24);
        b.putInt(0).putInt(types.capacity()).putInt(types.capacity()).putInt(strings.length);
        b.put(types.array()).put(strings);
        return b.array();
    }

    static long loadBtf(Arena arena) {
        return BtfObjects.loadRaw(blob());
    }
}
