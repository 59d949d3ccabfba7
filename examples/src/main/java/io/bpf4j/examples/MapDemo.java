package io.bpf4j.examples;

import io.bpf4j.BpfMap;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.UpdateFlag;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Creates a hash map in the kernel, writes and reads it back, and prints what the kernel says. */
public final class MapDemo {
    private MapDemo() {}

    public static void main(String[] args) {
        MapSpec spec = MapSpec.builder(MapType.HASH)
                .name("demo")
                .keySize(4)
                .valueSize(8)
                .maxEntries(16)
                .build();
        try (BpfMap map = BpfMap.create(spec)) {
            for (int pid = 1; pid <= 3; pid++) {
                map.update(le(4).putInt(pid).array(), le(8).putLong(pid * 1000L).array(), UpdateFlag.ANY);
            }
            System.out.println("created " + map.info());
            for (int pid = 1; pid <= 3; pid++) {
                long v = le(8).put(map.lookup(le(4).putInt(pid).array()).orElseThrow())
                        .flip()
                        .getLong();
                System.out.println("key " + pid + " -> " + v);
            }
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
