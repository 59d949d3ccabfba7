package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bpf4j.testing.Kernel;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Global data maps: names, flags, contents, and the frozen .rodata. */
class GlobalDataLoadTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void mapNamesFollowLibbpf() {
        assertEquals("counter.rodata", GlobalData.mapName("counter", ".rodata"));
        assertEquals("load_glo.rodata", GlobalData.mapName("load_globals", ".rodata"));
        assertEquals("load_glo.data", GlobalData.mapName("load_globals", ".data")); // as bpftool (libbpf 1.1) names it
        assertEquals(
                "load_usd.kconfig".substring(0, 7) + ".kconfig", GlobalData.mapName("load_usdt_heade", ".kconfig"));
        assertEquals(".data.very_long", GlobalData.mapName("x", ".data.very_long_name"));
    }

    @Test
    void rodataIsFilledFrozenAndReadOnlyToPrograms() {
        byte[] contents = {1, 2, 3, 4, 5};
        MapSpec spec = GlobalData.spec("gdtest", ".rodata", contents.length, java.util.Optional.empty());
        assertEquals(MapFlags.RDONLY_PROG | MapFlags.MMAPABLE, spec.flags());
        try (BpfMap m = GlobalData.create(spec, ".rodata", contents, OptionalInt.empty())) {
            assertArrayEquals(contents, GlobalData.read(m));
            assertEquals(1, m.maxEntries());
            // Frozen: user space can no longer write it.
            BpfException e = assertThrows(BpfException.class, () -> m.update(new byte[4], new byte[5], UpdateFlag.ANY));
            assertEquals(Errno.EPERM, e.errno().orElseThrow(), e.getMessage());
        }
    }

    @Test
    void mapsFallBackToNoBtfWhenTheKernelRefusesTheTypeIds() throws Exception {
        LoadPlan plan = ElfLoadFixture.plan(Kernel.bpfObject("load_subprogs"));
        try (io.bpf4j.btf.BtfHandle fd = io.bpf4j.btf.BtfHandle.loadRaw(
                ObjectBtf.forKernel(plan.types().orElseThrow(), java.util.Set.of(), java.util.Set.of()),
                "load_subprogs")) {
            MapSpec bogus = MapSpec.builder(MapType.HASH)
                    .name("btf_fallback")
                    .keySize(4)
                    .valueSize(8)
                    .maxEntries(4)
                    .btfTypeIds(9999, 9998)
                    .build();
            try (BpfMap m = ObjectMaps.create(bogus, OptionalInt.of(fd.fd()))) {
                assertEquals(0, m.info().btfId());
            }
        }
    }

    @Test
    void bssIsZeroedAndWritableAndMmapable() {
        MapSpec spec = GlobalData.spec("gdtest", ".bss", 16, java.util.Optional.empty());
        assertEquals(MapFlags.MMAPABLE, spec.flags());
        try (BpfMap m = GlobalData.create(spec, ".bss", new byte[0], OptionalInt.empty())) {
            assertArrayEquals(new byte[16], GlobalData.read(m));
            byte[] v = new byte[16];
            v[3] = 9;
            m.update(new byte[4], v, UpdateFlag.ANY);
            assertArrayEquals(v, GlobalData.read(m));
        }
    }
}
