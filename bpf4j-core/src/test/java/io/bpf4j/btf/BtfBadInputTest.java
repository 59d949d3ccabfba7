package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Truncated, corrupt and hostile BTF: always a BtfException naming the problem, never another exception or a hang. */
class BtfBadInputTest {

    /** A small blob: header + the given type words + string section "\0a\0". */
    static byte[] blob(int... typeWords) {
        byte[] str = {0, 'a', 0};
        ByteBuffer b =
                ByteBuffer.allocate(24 + typeWords.length * 4 + str.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f)
                .put((byte) 1)
                .put((byte) 0)
                .putInt(24)
                .putInt(0)
                .putInt(typeWords.length * 4)
                .putInt(typeWords.length * 4)
                .putInt(str.length);
        for (int w : typeWords) {
            b.putInt(w);
        }
        return b.put(str).array();
    }

    static int info(int kind, int vlen) {
        return kind << 24 | vlen;
    }

    private static void refused(byte[] blob, String messagePart) {
        BtfException e = assertThrows(BtfException.class, () -> Btf.parse(blob));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void headerProblemsAreNamed() {
        refused(new byte[10], "shorter than the 24-byte header");
        byte[] b = blob(0, info(1, 0), 4, 32);
        b[0] = (byte) 0xeb;
        b[1] = (byte) 0x9f;
        refused(b, "big-endian");
        b = blob(0, info(1, 0), 4, 32);
        b[2] = 2;
        refused(b, "version 2");
        b = blob(0, info(1, 0), 4, 32);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 1 << 30);
        refused(b, "type section");
        b = blob(0, info(1, 0), 4, 32);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(20, -1);
        refused(b, "string section");
    }

    @Test
    void recordProblemsNameTheOffset() {
        assertEquals("a", Btf.parse(blob(1, info(1, 0), 4, 32)).type(1).name());
        refused(blob(99, info(1, 0), 4, 32), "at offset 24: name offset 99");
        refused(blob(0, info(25, 0), 4), "at offset 24: unknown BTF kind 25");
        refused(blob(0, info(4, 0xffff), 8), "65535 members");
        refused(blob(0, info(2, 0), 7), "refers to type id 7");
        refused(blob(0, info(1, 0), 4), "INT encoding");
        refused(blob(0, info(12, 3), 0), "unknown linkage 3");
    }

    /** Parsing, like libbpf's, does not search for cycles; every walk along one refuses it by name instead of hanging. */
    @Test
    void cyclesThroughTypedefsAndModifiersAreRefusedWhenWalked() {
        // [1] typedef a -> [2] const -> [1]
        Btf typedefs = Btf.parse(blob(1, info(8, 0), 2, 0, info(10, 0), 1));
        cycle(() -> typedefs.resolve(1));
        cycle(() -> typedefs.sizeof(2));
        cycle(() -> typedefs.skipModsAndTypedefs(1));
        // [1] ptr -> [1]: a pointer has a size, but no C name
        Btf ptr = Btf.parse(blob(0, info(2, 0), 1));
        assertEquals(8, ptr.sizeof(1));
        cycle(() -> ptr.cName(1));
        // [1] array of one [1] (with 4 elements sizeof overflows first, which it also reports)
        Btf array = Btf.parse(blob(0, info(3, 0), 0, 1, 0, 1));
        cycle(() -> array.sizeof(1));
        cycle(() -> array.alignof(1));
        cycle(() -> array.resolveSize(1));
    }

    private static void cycle(org.junit.jupiter.api.function.Executable walk) {
        BtfException e = assertThrows(BtfException.class, walk);
        assertTrue(e.getMessage().contains("cycle") || e.getMessage().contains("too deeply"), e.getMessage());
    }

    @Test
    void arraysLargerThanALongAreRefusedNotOverflowed() {
        // [1] int, [2] int[0xffffffff], [3] [2][0xffffffff], [4] [3][0xffffffff]
        Btf btf = Btf.parse(blob(
                1,
                info(1, 0),
                4,
                32,
                0,
                info(3, 0),
                0,
                1,
                1,
                -1,
                0,
                info(3, 0),
                0,
                2,
                1,
                -1,
                0,
                info(3, 0),
                0,
                3,
                1,
                -1));
        assertEquals(4L * 0xffffffffL, btf.sizeof(2));
        BtfException e = assertThrows(BtfException.class, () -> btf.sizeof(4));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void extProblemsAreNamed() throws Exception {
        Path obj = BtfTestFiles.object("load_core_exec");
        Btf btf = Btf.parse(BtfTestFiles.section(obj, ".BTF"));
        byte[] ext = BtfTestFiles.section(obj, ".BTF.ext");
        byte[] bad = ext.clone();
        ByteBuffer b = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
        int funcOff = b.getInt(4) + b.getInt(8);
        b.putInt(funcOff + 8, 1 << 28); // num_info of the first section
        BtfException e = assertThrows(BtfException.class, () -> BtfExt.parse(bad, btf));
        assertTrue(e.getMessage().contains("declares 268435456 records"), e.getMessage());
        byte[] bad2 = ext.clone();
        ByteBuffer.wrap(bad2).order(ByteOrder.LITTLE_ENDIAN).putInt(funcOff, 4);
        e = assertThrows(BtfException.class, () -> BtfExt.parse(bad2, btf));
        assertTrue(e.getMessage().contains("record size 4"), e.getMessage());
    }

    @Test
    void splitBtfContinuesTheBaseIdsAndStrings() throws Exception {
        Btf base = Btf.parse(BtfTestFiles.section(BtfTestFiles.object("load_globals"), ".BTF"));
        int intId = base.findId("int", Type.Int.class).orElseThrow();
        int n = base.typeCount();
        Type[] own = {
            new Type.Typedef("split_int", intId),
            new Type.Struct(
                    "split_struct",
                    16,
                    List.of(new Type.Member("x", n, 0, 0), new Type.Member("self", n + 2, 64, 0)),
                    false),
            new Type.Ptr(n + 1),
        };
        Btf split = Btf.of(base, List.of(own));
        byte[] bytes = BtfWriter.write(split);
        Path file = Files.createTempFile("bpf4j-btf-split-", ".btf");
        try {
            Files.write(file, bytes);
            Btf parsed = KernelBtf.readModule(file, base).orElseThrow();
            assertEquals(Arrays.asList(own), parsed.ownTypes());
            assertEquals(n, parsed.firstOwnId());
            assertEquals(List.of(n + 1), parsed.idsByName("split_struct"));
            assertEquals(List.of(intId), parsed.idsByName("int"));
            assertEquals("int", parsed.cName(parsed.resolve(n)));
            assertEquals("struct split_struct *", parsed.cName(n + 2));
            assertEquals(16, parsed.sizeof(n + 1));
            assertThrows(BtfException.class, () -> Btf.parse(bytes), "split BTF needs its base");
        } finally {
            Files.delete(file);
        }
        assertTrue(KernelBtf.readModule(file, base).isEmpty());
    }

    @Test
    void seededMutationFuzzerFindsOnlyBtfExceptions() throws Exception {
        Path obj = BtfTestFiles.object("load_core_exec");
        byte[] objBtf = BtfTestFiles.section(obj, ".BTF");
        byte[] objExt = BtfTestFiles.section(obj, ".BTF.ext");
        Btf objParsed = Btf.parse(objBtf);
        // A slice of vmlinux: its first 3000 types whose references stay inside the slice, rewritten as one blob.
        Btf kernel = KernelBtf.vmlinux();
        List<Type> slice = java.util.stream.IntStream.rangeClosed(1, 3000)
                .mapToObj(id -> Arrays.stream(kernel.references(id)).allMatch(r -> r <= 3000)
                        ? kernel.type(id)
                        : new Type.Int("x", 4, true, false, false, 0, 32))
                .toList();
        byte[] kernelSlice = BtfWriter.write(Btf.of(null, slice));
        Random rnd = new Random(0xB7F);
        int parsed = 0;
        for (int i = 0; i < 1500; i++) {
            byte[] seed = i % 3 == 0 ? kernelSlice : objBtf;
            byte[] m = mutate(seed, rnd);
            try {
                Btf btf = Btf.parse(m);
                parsed++;
                exercise(btf);
                Btf.parse(BtfWriter.write(btf));
            } catch (BtfException expected) {
                // what bad input must give
            } catch (Throwable t) {
                throw new AssertionError(
                        "mutation " + i + " of " + (i % 3 == 0 ? "the vmlinux slice" : "clang .BTF") + " threw " + t,
                        t);
            }
            try {
                BtfExt.parse(mutate(objExt, rnd), objParsed);
            } catch (BtfException expected) {
                // fine
            } catch (Throwable t) {
                throw new AssertionError("mutation " + i + " of .BTF.ext threw " + t, t);
            }
        }
        assertTrue(parsed > 50, "the fuzzer should also produce valid blobs (" + parsed + ")");
    }

    private static void exercise(Btf btf) {
        for (int id = 0; id < btf.typeCount(); id++) {
            // The in-place CoreTypes reads, on every kind: answers or BtfExceptions, nothing else.
            btf.kind(id);
            btf.name(id);
            for (int i = 0; i < btf.vlen(id); i++) {
                int entry = i;
                int typeId = id;
                quietly(() -> btf.memberName(typeId, entry));
                quietly(() -> btf.memberType(typeId, entry));
                quietly(() -> btf.memberBitOffset(typeId, entry));
                quietly(() -> btf.enumValue(typeId, entry));
            }
            int typeId = id;
            quietly(() -> btf.arrayElement(typeId));
            quietly(() -> btf.intSigned(typeId));
            quietly(() -> btf.skipModsAndTypedefs(typeId));
            try {
                btf.cName(id);
                btf.resolve(id);
                btf.sizeof(id);
                btf.alignof(id);
            } catch (BtfException expected) {
                // a type without a size or alignment
            }
        }
    }

    private static byte[] mutate(byte[] seed, Random rnd) {
        byte[] m = seed.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (rnd.nextInt(4)) {
                case 0 -> m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> {
                    int at = rnd.nextInt(Math.max(1, m.length - 4)) & ~3;
                    int[] interesting = {0, -1, 0x7fffffff, 0xffff, 1 << 24, m.length, 3000};
                    ByteBuffer.wrap(m)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putInt(at, interesting[rnd.nextInt(interesting.length)]);
                }
                case 2 -> m[24 + rnd.nextInt(Math.max(1, Math.min(m.length - 24, 512)))] = (byte) rnd.nextInt(256);
                default -> m = Arrays.copyOf(m, rnd.nextInt(m.length + 1));
            }
            if (m.length < 28) {
                break;
            }
        }
        return m;
    }

    private static void quietly(Runnable query) {
        try {
            query.run();
        } catch (BtfException expected) {
            // refused by name
        }
    }
}
