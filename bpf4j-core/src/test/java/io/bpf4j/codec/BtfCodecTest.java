package io.bpf4j.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.TestBtf;
import io.bpf4j.btf.Type;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BtfCodec on BTF made by hand: kinds the test program has no room for, and hostile layouts. */
class BtfCodecTest {
    // [1] int [2] double [3] float [4] unsigned __int128 [5] struct s {int a; double d; float f; u128 big;}
    private static final Btf BTF = TestBtf.of(List.of(
            new Type.Int("int", 4, true, false, false, 0, 32),
            new Type.Float("double", 8),
            new Type.Float("float", 4),
            new Type.Int("unsigned __int128", 16, false, false, false, 0, 128),
            new Type.Struct(
                    "s",
                    48,
                    List.of(
                            new Type.Member("a", 1, 0, 0),
                            new Type.Member("d", 2, 64, 0),
                            new Type.Member("f", 3, 128, 0),
                            new Type.Member("big", 4, 256, 0)),
                    false)));

    @Test
    void floatsAnd128BitIntegersRoundTrip() {
        BtfCodec c = BtfCodec.struct(BTF, "s");
        BigInteger big = BigInteger.ONE.shiftLeft(127).add(BigInteger.valueOf(5));
        byte[] b = c.toBytes(Map.of("a", -1, "d", 1.5, "f", 2.5f, "big", big));
        StructValue v = (StructValue) c.fromBytes(b);
        assertEquals(1.5, v.get("d"));
        assertEquals(2.5f, v.get("f"));
        assertEquals(big, v.get("big"));
        assertEquals("{\"a\":-1,\"d\":1.5,\"f\":2.5,\"big\":" + big + "}", c.toJson(b));
        assertArrayEquals(b, c.toBytes(c.fromJson(c.toJson(b))));
        assertThrows(IllegalArgumentException.class, () -> c.toBytes(Map.of("big", BigInteger.ONE.negate())));
    }

    @Test
    void hostileLayoutsAreRefusedAtBuild() {
        Btf past = TestBtf.of(List.of(
                new Type.Int("int", 4, true, false, false, 0, 32),
                new Type.Struct(
                        "s", 4, List.of(new Type.Member("a", 1, 0, 0), new Type.Member("b", 1, 32, 0)), false)));
        BtfException e = assertThrows(BtfException.class, () -> BtfCodec.of(past, 2));
        assertEquals("struct s member \"b\" ends at byte 8, past the 4-byte struct", e.getMessage());

        Btf unlaid = TestBtf.of(List.of(
                new Type.Int("int", 4, true, false, false, 0, 32),
                new Type.Var("a", 1, Type.VarLinkage.GLOBAL),
                new Type.Var("b", 1, Type.VarLinkage.GLOBAL),
                new Type.DataSec(".data", 0, List.of(new Type.VarSecInfo(2, 0, 4), new Type.VarSecInfo(3, 0, 4)))));
        e = assertThrows(BtfException.class, () -> BtfCodec.of(unlaid, 4));
        assertTrue(e.getMessage().startsWith("DATASEC .data is not laid out"), e.getMessage());

        // A struct that holds itself (only hostile BTF can): a depth limit, not a stack overflow.
        Btf cycle = TestBtf.of(List.of(new Type.Struct("loop", 4, List.of(new Type.Member("self", 1, 0, 0)), false)));
        e = assertThrows(BtfException.class, () -> BtfCodec.of(cycle, 1));
        assertTrue(e.getMessage().contains("nests deeper than 64 levels"), e.getMessage());

        Btf huge =
                TestBtf.of(List.of(new Type.Int("long", 8, true, false, false, 0, 64), new Type.Array(1, 1, 1 << 29)));
        e = assertThrows(BtfException.class, () -> BtfCodec.of(huge, 2));
        assertTrue(e.getMessage().contains("larger than 2 GiB"), e.getMessage());
        assertThrows(BtfException.class, () -> BtfCodec.of(huge, 0));
    }

    @Test
    void shortBuffersAndBadJsonAreRefused() {
        BtfCodec c = BtfCodec.struct(BTF, "s");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.fromBytes(new byte[47]));
        assertEquals("struct s is 48 bytes, got 47", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.fromJson("{\"a\":1,"));
        assertTrue(e.getMessage().startsWith("bad JSON at offset"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.fromJson("{\"a\":\"x\"}"));
        assertEquals("struct s.a: \"x\" is not a number for a int", e.getMessage());
    }
}
