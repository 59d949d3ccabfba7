package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValuePrinterTest {
    // [1] int, [2] char, [3] char[4], [4] enum e {A=1,B=2}, [5] unsigned int, [6] struct s, [7] int *, [8] int[2]
    private static final Btf BTF = Btf.of(
            null,
            List.of(
                    new Type.Int("int", 4, true, false, false, 0, 32),
                    new Type.Int("char", 1, true, true, false, 0, 8),
                    new Type.Array(2, 1, 4),
                    new Type.Enum("e", 4, false, List.of(new Type.Enumerator("A", 1), new Type.Enumerator("B", 2))),
                    new Type.Int("unsigned int", 4, false, false, false, 0, 32),
                    new Type.Struct(
                            "s",
                            32,
                            List.of(
                                    new Type.Member("x", 1, 0, 0),
                                    new Type.Member("name", 3, 32, 0),
                                    new Type.Member("kind", 4, 64, 0),
                                    new Type.Member("lo", 5, 96, 3),
                                    new Type.Member("hi", 1, 99, 5),
                                    new Type.Member("p", 7, 128, 0),
                                    new Type.Member("pair", 8, 192, 0)),
                            true),
                    new Type.Ptr(1),
                    new Type.Array(1, 1, 2)));

    @Test
    void printsStructsStringsEnumsBitfieldsArraysAndPointers() {
        byte[] v = new byte[32];
        v[0] = (byte) 0xfe;
        v[1] = (byte) 0xff;
        v[2] = (byte) 0xff;
        v[3] = (byte) 0xff; // x = -2
        v[4] = 'h';
        v[5] = 'i';
        v[8] = 2; // kind = B
        v[12] = (byte) (5 | (0x1f << 3)); // lo = 5, hi = -1 (5 bits all set, signed)
        v[16] = 0x10; // p = 16
        v[24] = 7;
        v[28] = 9;
        assertEquals(
                "{\"x\":-2,\"name\":\"hi\",\"kind\":\"B\",\"lo\":5,\"hi\":-1,\"p\":16,\"pair\":[7,9]}",
                new ValuePrinter(BTF).toJson(6, v));
    }

    @Test
    void shortBufferIsRefused() {
        BtfException e = assertThrows(BtfException.class, () -> new ValuePrinter(BTF).toJson(6, new byte[3]));
        assertEquals("value of struct s needs 32 bytes, got 3", e.getMessage());
    }

    @Test
    void dataSecWithoutOffsetsIsRefused() {
        // As clang leaves .data in a .o: both variables at offset 0, section size 0.
        Btf btf = Btf.of(
                null,
                List.of(
                        new Type.Int("int", 4, true, false, false, 0, 32),
                        new Type.Var("a", 1, Type.VarLinkage.GLOBAL),
                        new Type.Var("b", 1, Type.VarLinkage.GLOBAL),
                        new Type.DataSec(
                                ".data", 0, List.of(new Type.VarSecInfo(2, 0, 4), new Type.VarSecInfo(3, 0, 4)))));
        BtfException e = assertThrows(BtfException.class, () -> new ValuePrinter(btf).toJson(4, new byte[8]));
        assertEquals(
                "DATASEC .data is not laid out: a at offset 0 overlaps another variable or ends past the 0-byte"
                        + " section (offsets are fixed up at load): print with the loaded map's BTF",
                e.getMessage());
        Btf fixed = Btf.of(
                null,
                List.of(
                        new Type.Int("int", 4, true, false, false, 0, 32),
                        new Type.Var("a", 1, Type.VarLinkage.GLOBAL),
                        new Type.Var("b", 1, Type.VarLinkage.GLOBAL),
                        new Type.DataSec(
                                ".data", 8, List.of(new Type.VarSecInfo(2, 0, 4), new Type.VarSecInfo(3, 4, 4)))));
        assertEquals("{\"a\":1,\"b\":2}", new ValuePrinter(fixed).toJson(4, new byte[] {1, 0, 0, 0, 2, 0, 0, 0}));
    }
}
