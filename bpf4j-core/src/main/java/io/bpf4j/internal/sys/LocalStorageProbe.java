package io.bpf4j.internal.sys;

import io.bpf4j.MapFlags;
import io.bpf4j.MapType;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Local-storage maps (sk, inode, task, cgroup storage) can only be created with BTF for their key
 * and value, so their probe loads a tiny hand-made BTF first: {@code [1] int}, {@code [2] struct
 * val { int cnt; }} — the shape libbpf's probe uses, without the spin lock.
 */
public final class LocalStorageProbe {
    private LocalStorageProbe() {}

    static int probe(MapType type) {
        try (Arena arena = Arena.ofConfined()) {
            long btf = loadBtf(arena);
            if (btf < 0) {
                return (int) -btf;
            }
            try {
                long r = MapCreate.of(type.value(), 4, 4, 0)
                        .withFlags(MapFlags.NO_PREALLOC)
                        .withBtf((int) btf, 1, 2)
                        .call();
                if (r < 0) {
                    return (int) -r;
                }
                new Fd((int) r, "probe map").close();
                return 0;
            } finally {
                new Fd((int) btf, "probe BTF").close();
            }
        }
    }

    /** The BTF blob: header, two types, string table "\0int\0val\0cnt\0". */
    public static byte[] blob() {
        byte[] strings = "\0int\0val\0cnt\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer types = ByteBuffer.allocate(16 + 12 + 12).order(ByteOrder.LITTLE_ENDIAN);
        // [1] INT "int": name_off 1, info kind 1, size 4, encoding SIGNED bits 32
        types.putInt(1).putInt(1 << 24).putInt(4).putInt((1 << 24) | 32);
        // [2] STRUCT "val": name_off 5, kind 4 vlen 1, size 4; member "cnt" type 1 offset 0
        types.putInt(5).putInt((4 << 24) | 1).putInt(4);
        types.putInt(9).putInt(1).putInt(0);
        ByteBuffer b =
                ByteBuffer.allocate(24 + types.capacity() + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24);
        b.putInt(0).putInt(types.capacity()).putInt(types.capacity()).putInt(strings.length);
        b.put(types.array()).put(strings);
        return b.array();
    }

    static long loadBtf(Arena arena) {
        return BtfObjects.loadRaw(blob());
    }
}
