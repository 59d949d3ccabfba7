package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Wrong sizes, bad specs, frozen maps and things that are not pins: refused, with the reason, before or after the kernel. */
class BpfMapBadInputTest {
    private static final String SUFFIX = Long.toString(ProcessHandle.current().pid() % 100000);

    @TempDir
    Path tmp;

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static void refused(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage());
        }
    }

    @Test
    void keysAndValuesOfTheWrongSizeAreRefusedNotTruncated() {
        try (BpfMap map = BpfMap.create(MapSpec.builder(MapType.HASH)
                        .name("sz" + SUFFIX)
                        .keySize(4)
                        .valueSize(8)
                        .maxEntries(4)
                        .build());
                Arena arena = Arena.ofConfined()) {
            byte[] longKey = {1, 0, 0, 0, 9, 9, 9, 9};
            refused(() -> map.lookup(longKey), "map \"sz" + SUFFIX + "\"", "key of 8 bytes given", "keys are 4 bytes");
            refused(() -> map.update(longKey, new byte[8], UpdateFlag.ANY), "key of 8 bytes");
            refused(
                    () -> map.update(new byte[4], new byte[16], UpdateFlag.ANY),
                    "value of 16 bytes given",
                    "needs 8 bytes");
            refused(() -> map.update(new byte[4], new byte[4], UpdateFlag.ANY), "value of 4 bytes given");
            refused(() -> map.delete(longKey), "key of 8 bytes");
            refused(() -> map.lookupAndDelete(new byte[2]), "key of 2 bytes");
            refused(() -> map.nextKey(Optional.empty(), MemorySegment.ofArray(new byte[8])), "key of 8 bytes");
            refused(() -> map.lookup(arena.allocate(8), arena.allocate(8)), "key of 8 bytes");
            refused(() -> map.lookup(arena.allocate(4), arena.allocate(16)), "value of 16 bytes");
            // nothing was written under the first 4 bytes of the long key
            assertFalse(map.lookup(new byte[] {1, 0, 0, 0}).isPresent());
        }
        try (BpfMap perCpu = BpfMap.create(MapSpec.builder(MapType.PERCPU_ARRAY)
                .name("pc" + SUFFIX)
                .keySize(4)
                .valueSize(8)
                .maxEntries(1)
                .build())) {
            if (perCpu.valueBufferSize() != 8) {
                refused(() -> perCpu.update(new byte[4], new byte[8], UpdateFlag.ANY), "possible CPUs");
            }
            refused(
                    () -> perCpu.update(new byte[4], new byte[perCpu.valueBufferSize() + 8], UpdateFlag.ANY),
                    "value of");
        }
    }

    @Test
    void anIndexPastAnArraysEndIsNotAFullMap() {
        try (BpfMap array = BpfMap.create(MapSpec.builder(MapType.ARRAY)
                .name("ix" + SUFFIX)
                .keySize(4)
                .valueSize(4)
                .maxEntries(4)
                .build())) {
            BpfException e = assertThrows(
                    BpfException.class, () -> array.update(new byte[] {10, 0, 0, 0}, new byte[4], UpdateFlag.ANY));
            assertFalse(e instanceof MapFullException, e.toString());
            assertTrue(e.getMessage().contains("outside 0..3"), e.getMessage());
            assertEquals(Optional.of(Errno.E2BIG), e.errno());
        }
    }

    @Test
    void specsTheKernelWouldRefuseWithABareEinvalNameTheField() {
        refused(
                () -> BpfMap.create(MapSpec.builder(MapType.RINGBUF)
                        .name("r")
                        .maxEntries(1000)
                        .build()),
                "max_entries 1000",
                "power of 2",
                "page size");
        refused(
                () -> BpfMap.create(MapSpec.builder(MapType.RINGBUF)
                        .name("r")
                        .keySize(4)
                        .maxEntries(4096)
                        .build()),
                "key size 4");
        refused(
                () -> BpfMap.create(MapSpec.builder(MapType.HASH)
                        .name("h")
                        .keySize(0)
                        .valueSize(8)
                        .maxEntries(1)
                        .build()),
                "key size 0");
        refused(
                () -> BpfMap.create(MapSpec.builder(MapType.ARRAY)
                        .name("a")
                        .keySize(8)
                        .valueSize(8)
                        .maxEntries(1)
                        .build()),
                "key size 8",
                "4-byte indexes");
        refused(
                () -> BpfMap.create(MapSpec.builder(MapType.HASH)
                        .name("h")
                        .keySize(4)
                        .valueSize(8)
                        .maxEntries(1)
                        .flags(1 << 30)
                        .build()),
                "unknown",
                "0x40000000");
        refused(
                () -> BpfMap.create(MapSpec.builder(MapType.HASH)
                        .name("a b/c!é")
                        .keySize(4)
                        .valueSize(8)
                        .maxEntries(1)
                        .build()),
                "' ' at 1",
                "letters, digits");
    }

    @Test
    void aFrozenMapSaysItIsFrozen() {
        try (BpfMap map = BpfMap.create(MapSpec.builder(MapType.ARRAY)
                .name("fz" + SUFFIX)
                .keySize(4)
                .valueSize(4)
                .maxEntries(1)
                .build())) {
            map.freeze();
            PermissionException e =
                    assertThrows(PermissionException.class, () -> map.update(new byte[4], new byte[4], UpdateFlag.ANY));
            assertTrue(e.getMessage().contains("is frozen"), e.getMessage());
            assertFalse(e.getMessage().contains("lockdown"), e.getMessage());
        }
    }

    @Test
    void pinsAreOpenedWithoutFollowingLinksAndNonPinsAreNamed() throws Exception {
        Path bpffs = Kernel.bpffs();
        Path pin = bpffs.resolve("bpf4j-safety-pin-" + SUFFIX);
        Path link = bpffs.resolve("bpf4j-safety-link-" + SUFFIX);
        Path dir = bpffs.resolve("bpf4j-safety-dir-" + SUFFIX);
        try (BpfMap map = BpfMap.create(MapSpec.builder(MapType.ARRAY)
                .name("pn" + SUFFIX)
                .keySize(4)
                .valueSize(4)
                .maxEntries(1)
                .build())) {
            map.pin(pin);
            try (BpfMap again = BpfMap.fromPin(pin)) {
                assertEquals(map.info().id(), again.info().id());
            }
            Files.createSymbolicLink(link, pin);
            PermissionException viaLink = assertThrows(PermissionException.class, () -> BpfMap.fromPin(link));
            assertTrue(viaLink.getMessage().contains("symbolic link"), viaLink.getMessage());
            Path plain = Files.writeString(tmp.resolve("not-a-pin"), "x");
            BpfException notBpffs = assertThrows(BpfException.class, () -> BpfMap.fromPin(plain));
            assertTrue(notBpffs.getMessage().contains("not on a bpf filesystem"), notBpffs.getMessage());
            assertFalse(notBpffs.getMessage().contains("lockdown"), notBpffs.getMessage());
            Files.createDirectory(dir);
            BpfException isDir = assertThrows(BpfException.class, () -> BpfMap.fromPin(dir));
            assertTrue(isDir.getMessage().contains("a directory on the bpffs, not a pin"), isDir.getMessage());
            BpfException missing =
                    assertThrows(BpfException.class, () -> BpfMap.fromPin(bpffs.resolve("bpf4j-none-" + SUFFIX)));
            assertTrue(missing.getMessage().contains("nothing is pinned there"), missing.getMessage());
            BpfException unpinMissing =
                    assertThrows(BpfException.class, () -> BpfMap.unpin(bpffs.resolve("bpf4j-none-" + SUFFIX)));
            assertTrue(unpinMissing.getMessage().contains("nothing is pinned there"), unpinMissing.getMessage());
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(pin);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aBadArgumentIsTheKernelsEinvalNotAMissingFeature() {
        assertTrue(io.bpf4j.features.MapFeatures.supportsBatch(), "this kernel has batch commands");
        try (BpfMap map = BpfMap.create(MapSpec.builder(MapType.HASH)
                        .name("ev" + SUFFIX)
                        .keySize(4)
                        .valueSize(4)
                        .maxEntries(4)
                        .build());
                Arena arena = Arena.ofConfined()) {
            // BPF_F_LOCK on a value without a bpf_spin_lock: EINVAL for the argument, batch commands exist
            BpfException e = assertThrows(
                    BpfException.class,
                    () -> map.updateBatch(arena.allocate(4), arena.allocate(4), 1, UpdateFlag.LOCK));
            assertFalse(e instanceof NotSupportedException, e.toString());
            assertEquals(Optional.of(Errno.EINVAL), e.errno());
            assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
        }
    }

    @Test
    void notSupportedCarriesTheVersionThatBroughtTheFeature() {
        NotSupportedException e =
                new NotSupportedException("map type RINGBUF", "5.8", 22, "BPF_MAP_CREATE", "map \"r\"");
        assertEquals(Optional.of("5.8"), e.since());
        assertEquals(Optional.empty(), new NotSupportedException("x", "", 0, "", "").since());
        assertInstanceOf(BpfException.class, e);
    }
}
