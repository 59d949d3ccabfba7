package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.codec.StructValue;
import io.bpf4j.codec.U64;
import io.bpf4j.testing.Kernel;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Globals read and patched by name through the mapped section; .rodata read-only after load. */
class DataSectionLoadTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void readsSeeProgramWritesAndPatchesReachPrograms() {
        try (BpfObject obj = TypedValuesObject.spec().load()) {
            DataSection data = DataSection.open(obj, ".data");
            DataSection bss = DataSection.open(obj, ".bss");
            DataSection custom = DataSection.open(obj, ".data.custom");
            assertTrue(data.isMapped());
            assertEquals(List.of("limit", "last"), data.symbols());
            assertEquals(List.of("runs", "last_event"), bss.symbols());
            assertEquals(7L, data.read("limit"));
            assertEquals("init", ((StructValue) data.read("last")).get("tag"));
            assertEquals(U64.of(0), bss.read("runs"));
            assertEquals(U64.of(11), custom.read("custom_hits"));

            Program emit = obj.program("emit");
            emit.testRun(TestRunOptions.data(new byte[64]).withRepeat(3));
            // The program's writes, seen through the mapping without a lookup.
            assertEquals(U64.of(3), bss.read("runs"));
            assertEquals(U64.of(14), custom.read("custom_hits"));
            assertEquals(U64.of(6), data.read().getStruct("last").get("packets"));

            data.patch("limit", 9L);
            data.patch(Map.of("last", Map.of("tag", "set")));
            StructValue all = data.read();
            assertEquals(9L, all.get("limit"));
            assertEquals("set", all.get("last.tag"));
            assertEquals(U64.of(6), all.get("last.packets"), "members not named keep their bytes");
            // Checked before anything is written: a bad leaf leaves the good one unwritten too.
            assertThrows(
                    IllegalArgumentException.class,
                    () -> data.patch(Map.of("limit", 1L, "last", Map.of("tag", "far too long"))));
            assertEquals(9L, data.read("limit"));
            NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> data.patch("limt", 1L));
            assertEquals("section .data has no variable \"limt\"; it has [limit, last]", e.getMessage());
            assertTrue(data.find("limt").isEmpty());

            // The lookup path reads the same bytes the mapping holds.
            assertEquals(
                    9L,
                    ((StructValue) io.bpf4j.codec.BtfCodec.of(
                                            MapBtf.of(obj.map(".data")).value().orElseThrow())
                                    .fromBytes(
                                            obj.map(".data").lookup(new byte[4]).orElseThrow()))
                            .get("limit"));

            DataSection rodata = DataSection.open(obj, ".rodata");
            assertTrue(rodata.isReadOnly());
            assertEquals(0L, rodata.read("filter_pid"));
            assertEquals("typed", rodata.read("banner"));
            IllegalStateException frozen =
                    assertThrows(IllegalStateException.class, () -> rodata.patch("filter_pid", 42L));
            assertTrue(frozen.getMessage().startsWith("section .rodata is frozen after load"), frozen.getMessage());
            assertTrue(frozen.getMessage().contains("ObjectSpec.withConstant"), frozen.getMessage());

            data.close();
            assertThrows(IllegalStateException.class, () -> data.read("limit"));
        }
    }

    @Test
    void closingTheObjectUnmapsItsSections() {
        DataSection data;
        try (BpfObject obj = TypedValuesObject.spec().load()) {
            data = DataSection.open(obj, ".bss");
            assertFalse(data.isReadOnly());
        }
        assertThrows(IllegalStateException.class, () -> data.read("runs"));
    }
}
