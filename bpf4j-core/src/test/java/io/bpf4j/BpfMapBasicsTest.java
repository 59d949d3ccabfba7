package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.FdLeakCheck;
import io.bpf4j.testing.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The foundation's map path: create, lookup, update flags, delete, next key, info, close. */
class BpfMapBasicsTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    static MapSpec hash(int max) {
        return MapSpec.builder(MapType.HASH)
                .name("basics")
                .keySize(4)
                .valueSize(8)
                .maxEntries(max)
                .build();
    }

    @Test
    void updateLookupDeleteRoundTrip() {
        try (BpfMap map = BpfMap.create(hash(4))) {
            byte[] key = {1, 0, 0, 0};
            assertEquals(Optional.empty(), map.lookup(key).map(b -> b));
            map.update(key, new byte[] {7, 0, 0, 0, 0, 0, 0, 0}, UpdateFlag.NOEXIST);
            assertArrayEquals(
                    new byte[] {7, 0, 0, 0, 0, 0, 0, 0}, map.lookup(key).orElseThrow());
            assertThrows(KeyExistsException.class, () -> map.update(key, new byte[8], UpdateFlag.NOEXIST));
            assertThrows(
                    KeyNotFoundException.class,
                    () -> map.update(new byte[] {2, 0, 0, 0}, new byte[8], UpdateFlag.EXIST));
            assertTrue(map.delete(key));
            assertFalse(map.delete(key));
        }
    }

    @Test
    void nativeSegmentsAndFullMap() {
        try (BpfMap map = BpfMap.create(hash(2));
                Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(4);
            MemorySegment v = arena.allocate(8);
            for (int i = 0; i < 2; i++) {
                k.set(ValueLayout.JAVA_INT, 0, i);
                v.set(ValueLayout.JAVA_LONG, 0, i * 100L);
                map.update(k, v, UpdateFlag.ANY);
            }
            k.set(ValueLayout.JAVA_INT, 0, 99);
            assertThrows(MapFullException.class, () -> map.update(k, v, UpdateFlag.ANY));
            k.set(ValueLayout.JAVA_INT, 0, 1);
            assertTrue(map.lookup(k, v));
            assertEquals(100L, v.get(ValueLayout.JAVA_LONG, 0));
            MemorySegment next = arena.allocate(4);
            int seen = 0;
            Optional<MemorySegment> cur = Optional.empty();
            while (map.nextKey(cur, next)) {
                seen++;
                MemorySegment copy = arena.allocate(4);
                copy.copyFrom(next);
                cur = Optional.of(copy);
            }
            assertEquals(2, seen);
        }
    }

    @Test
    void badSizesFailBeforeTheKernel() {
        try (BpfMap map = BpfMap.create(hash(2))) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> map.update(new byte[2], new byte[8], UpdateFlag.ANY));
            assertTrue(e.getMessage().contains("key of 2 bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.update(new byte[4], new byte[3], UpdateFlag.ANY));
        }
    }

    @Test
    void infoAndReopenById() {
        try (BpfMap map = BpfMap.create(hash(3))) {
            MapInfo info = map.info();
            assertEquals(Optional.of(MapType.HASH), info.type());
            assertEquals("basics", info.name());
            assertEquals(3, info.maxEntries());
            try (BpfMap again = BpfMap.fromId(info.id())) {
                again.update(new byte[4], new byte[8], UpdateFlag.ANY);
                assertTrue(map.lookup(new byte[4]).isPresent());
            }
        }
    }

    @Test
    void closedMapIsAnIllegalState() {
        BpfMap map = BpfMap.create(hash(1));
        map.close();
        map.close();
        assertThrows(IllegalStateException.class, () -> map.lookup(new byte[4]));
        assertTrue(FdLeakCheck.kernelObjectFds().values().stream().noneMatch(t -> t.contains("bpf-map")));
    }

    @Test
    void errorsNameTheErrnoAndTheMap() {
        // A spec bpf4j does not check itself (a stack trace map's value size 0): the kernel's EINVAL, in its words.
        BpfException e = assertThrows(
                BpfException.class,
                () -> BpfMap.create(MapSpec.builder(MapType.STACK_TRACE)
                        .name("zero")
                        .keySize(4)
                        .valueSize(0)
                        .maxEntries(1)
                        .build()));
        assertFalse(e instanceof NotSupportedException, e.toString());
        assertEquals(Optional.of(Errno.EINVAL), e.errno());
        assertTrue(e.getMessage().contains("EINVAL") && e.getMessage().contains("zero"), e.getMessage());
    }
}
