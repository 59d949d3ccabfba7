package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfHandle;
import io.bpf4j.btf.Sanitize;
import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.EnumValue;
import io.bpf4j.codec.StructValue;
import io.bpf4j.codec.U64;
import io.bpf4j.testing.Kernel;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A BPF program fills a map with a struct covering every BTF kind; Java decodes it from the
 * map's BTF, re-encodes it byte for byte, and prints the JSON bpftool prints for the same map.
 */
class TypedValuesLoadTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    static BpfObject filled() {
        BpfObject obj = TypedValuesObject.spec().load();
        obj.program("fill").testRun(TestRunOptions.data(new byte[64]));
        return obj;
    }

    @Test
    void everyKindDecodesAndReencodesExactly() {
        try (BpfObject obj = filled()) {
            BpfMap values = obj.map("values");
            MapBtf.Types t = MapBtf.of(values);
            BtfCodec codec = BtfCodec.of(t.value().orElseThrow());
            assertEquals(values.valueSize(), codec.size());
            byte[] raw = values.lookup(new byte[4]).orElseThrow();
            StructValue v = (StructValue) codec.fromBytes(raw);
            assertEquals("struct all_kinds", v.typeName());
            assertEquals(250, v.get("u8"));
            assertEquals((byte) -5, v.get("s8"));
            assertEquals(65000, v.get("u16"));
            assertEquals((short) -30000, v.get("s16"));
            assertEquals(4_000_000_000L, v.get("u32"));
            assertEquals(-2_000_000_000, v.get("s32"));
            assertEquals(U64.of(0xfedcba9876543210L), v.get("u64"));
            assertEquals("18364758544493064720", v.get("u64").toString());
            assertEquals(-9_000_000_000_000_000_000L, v.get("s64"));
            assertEquals("typed-bpf", v.getString("name"));
            assertEquals(List.of(1L, 2L, 3L), v.get("nums"));
            assertArrayEquals(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}, v.getBytes("raw"));
            assertEquals(8080, v.get("in.port"));
            assertEquals((byte) -1, v.get("in.delta"));
            assertEquals(0x04030201L, v.get("either.as_u32"));
            assertEquals(List.of(1, 2, 3, 4), v.get("either.as_bytes"));
            assertEquals(new EnumValue("MINUS", -3), v.get("color"));
            assertEquals(new EnumValue("WIDE_BIG", 1L << 32), v.get("wide"));
            assertEquals(1L, v.get("flag_a"));
            assertEquals(5L, v.get("flag_b"));
            assertEquals(-3, v.get("level"));
            assertEquals(77L, v.get("anon_x"));
            assertEquals(78, v.get("anon_y"));
            assertEquals(-79, v.get("anon_s"));
            assertEquals(0xffff888012345678L, v.get("ptr"));
            assertEquals(0L, v.get("inner_ptr"));
            assertEquals(true, v.get("ok"));
            assertEquals(-4, v.getStruct("pairs[1]").getInt("delta"));
            assertEquals((byte) -4, v.get("pairs[1].delta"));
            assertEquals(new BigInteger("18446744073709551615"), ((U64) v.get("big_unsigned")).bigIntegerValue());

            assertArrayEquals(raw, codec.toBytes(v), "decoded then encoded gives the same bytes");
            assertArrayEquals(raw, codec.toBytes(codec.fromJson(codec.toJson(raw))), "through JSON too");
            assertArrayEquals(raw, codec.toBytes(v.members()), "and through a Map");

            // A changed copy writes back and is read by the kernel's map as given.
            StructValue changed = v.with("in.port", 9090)
                    .with("name", "again")
                    .with("anon_y", 5)
                    .with("either.as_u32", 0x0a0b0c0dL);
            values.update(new byte[4], codec.toBytes(changed), UpdateFlag.ANY);
            StructValue back =
                    (StructValue) codec.fromBytes(values.lookup(new byte[4]).orElseThrow());
            assertEquals(9090, back.get("in.port"));
            assertEquals("again", back.get("name"));
            assertEquals(5, back.get("anon_y"));
            assertEquals(77L, back.get("anon_x"));
            assertEquals(
                    List.of(0x0d, 0x0c, 0x0b, 0x0a),
                    back.get("either.as_bytes"),
                    "the union's other member, rewritten");
        }
    }

    @Test
    void jsonMatchesBpftool() throws Exception {
        try (BpfObject obj = filled()) {
            boolean enum64 = kernelTakesEnum64(obj.map("values"));
            for (String name : List.of("values", "by_inner")) {
                BpfMap map = obj.map(name);
                // bpftool prints from the BTF the kernel keeps with the map: the object's, but
                // with what the kernel lacks sanitized away as libbpf does (before 6.0 an ENUM64
                // is kept as a member-less union of its size, printed as {}).
                String ours = json(map, MapBtf.of(map));
                String kernels = json(map, MapBtf.ofKernel(map));
                String bpftool = bpftoolFormatted(map.info().id());
                assertEquals(bpftool, kernels, name);
                if (enum64) {
                    assertEquals(bpftool, ours, name);
                } else {
                    assertTrue(ours.contains("\"wide\":\"WIDE_BIG\""), ours);
                    assertEquals(bpftool, ours.replaceAll("\"wide\":(\"[A-Z_]+\"|[0-9]+)", "\"wide\":{}"), name);
                }
                // And bpftool's JSON encodes back to the map's bytes (its "0x.." bitfields, "" members too).
                BtfCodec vals = BtfCodec.of(MapBtf.of(map).value().orElseThrow());
                for (Map.Entry<byte[], byte[]> e : map.entries()) {
                    String json = vals.toJson(e.getValue());
                    assertArrayEquals(e.getValue(), vals.toBytes(vals.fromJson(json)), name);
                }
                BtfCodec kernelVals = BtfCodec.of(MapBtf.ofKernel(map).value().orElseThrow());
                String bpftoolValue = objectAt(bpftool, bpftool.indexOf("\"value\":") + "\"value\":".length());
                byte[] fromBpftool = kernelVals.toBytes(kernelVals.fromJson(bpftoolValue));
                assertEquals(bpftoolValue, kernelVals.toJson(fromBpftool), name);
            }
        }
    }

    /** The map's entries as one JSON array of bpftool's "formatted" form, decoded with {@code t}. */
    private static String json(BpfMap map, MapBtf.Types t) {
        BtfCodec keys = BtfCodec.of(t.key().orElseThrow());
        BtfCodec vals = BtfCodec.of(t.value().orElseThrow());
        StringBuilder sb = new StringBuilder("[");
        for (Map.Entry<byte[], byte[]> e : map.entries()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"key\":")
                    .append(keys.toJson(e.getKey()))
                    .append(",\"value\":")
                    .append(vals.toJson(e.getValue()))
                    .append('}');
        }
        return sb.append(']').toString();
    }

    /**
     * Probes BTF_KIND_ENUM64 (Linux 6.0): the object's BTF loads with every other newer kind
     * sanitized away but ENUM64 kept.
     */
    private static boolean kernelTakesEnum64(BpfMap map) {
        Btf btf = map.valueType().orElseThrow().btf();
        EnumSet<Sanitize> allButEnum64 = EnumSet.complementOf(EnumSet.of(Sanitize.ENUM64));
        try {
            BtfHandle.load(btf, allButEnum64).close();
            return true;
        } catch (BpfException refused) {
            // only a refusal of exactly ENUM64: with it sanitized too the same BTF must load
            BtfHandle.load(btf, EnumSet.allOf(Sanitize.class)).close();
            return false;
        }
    }

    /** The JSON object starting at {@code at}. */
    private static String objectAt(String s, int at) {
        int depth = 0;
        boolean inString = false;
        for (int end = at; end < s.length(); end++) {
            char c = s.charAt(end);
            if (c == '"' && s.charAt(end - 1) != '\\') {
                inString = !inString;
            } else if (!inString && c == '{') {
                depth++;
            } else if (!inString && c == '}' && --depth == 0) {
                return s.substring(at, end + 1);
            }
        }
        throw new AssertionError("no object at " + at + " of " + s);
    }

    /** The "formatted" parts of {@code bpftool -j map dump id N}, as one array. */
    private static String bpftoolFormatted(int id) throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", "map", "dump", "id", Integer.toString(id)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        StringBuilder sb = new StringBuilder("[");
        int at = 0;
        while ((at = out.indexOf("\"formatted\":", at)) >= 0) {
            at += "\"formatted\":".length();
            int depth = 0;
            int end = at;
            boolean inString = false;
            for (; end < out.length(); end++) {
                char c = out.charAt(end);
                if (c == '"' && out.charAt(end - 1) != '\\') {
                    inString = !inString;
                } else if (!inString && c == '{') {
                    depth++;
                } else if (!inString && c == '}' && --depth == 0) {
                    break;
                }
            }
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(out, at, end + 1);
        }
        assertTrue(sb.length() > 1, "bpftool printed no formatted entries: " + out);
        return sb.append(']').toString();
    }

    @Test
    void badValuesAreRefusedNamingThePath() {
        try (BpfObject obj = filled()) {
            BtfCodec codec = BtfCodec.of(MapBtf.of(obj.map("values")).value().orElseThrow());
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> codec.toBytes(Map.of("in", Map.of("port", 70000))));
            assertEquals(
                    "struct all_kinds.in.port: 70000 is outside the range of unsigned short (0..65535)",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> codec.toBytes(Map.of("nmae", "x")));
            assertTrue(
                    e.getMessage()
                            .startsWith("struct all_kinds: struct all_kinds has no member \"nmae\"; it has [u8, s8,"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> codec.toBytes(Map.of("name", "0123456789abcdef")));
            assertTrue(e.getMessage().contains("does not fit char[16] with its NUL"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> codec.toBytes(Map.of("color", "PURPLE")));
            assertTrue(
                    e.getMessage().contains("has no enumerator \"PURPLE\"; it has [RED, GREEN, MINUS]"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> codec.toBytes(Map.of("level", 8)));
            assertTrue(e.getMessage().contains("outside the range of int:4 (-8..7)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> codec.toBytes(Map.of("u64", -1L)));
            assertTrue(e.getMessage().contains("give values at or above 2^63 as U64 or BigInteger"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> codec.toBytes(Map.of("nums", List.of(1, 2))));
            assertEquals("struct all_kinds.nums: 2 elements for __u32[3]", e.getMessage());
        }
    }
}
