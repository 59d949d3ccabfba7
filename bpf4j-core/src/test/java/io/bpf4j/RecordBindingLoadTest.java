package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bpf4j.btf.Btf;
import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.EnumValue;
import io.bpf4j.codec.RecordCodec;
import io.bpf4j.codec.StructValue;
import io.bpf4j.codec.U64;
import io.bpf4j.testing.Kernel;
import java.lang.invoke.MethodHandles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records bound to BTF structs by name: offsets from BTF, widths and lengths checked at bind. */
class RecordBindingLoadTest {
    enum Color {
        RED,
        GREEN,
        MINUS
    }

    record Inner(int port, byte delta) {}

    record Pair(int port, byte delta) {}

    record AllKinds(
            int u8,
            byte s8,
            int u16,
            short s16,
            long u32,
            int s32,
            U64 u64,
            long s64,
            String name,
            long[] nums,
            byte[] raw,
            Inner in,
            Color color,
            EnumValue wide,
            long anonX,
            int anonY,
            int anonS,
            long ptr,
            boolean ok,
            long bigUnsigned,
            StructValue either) {}

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void recordsDecodeAsTheDynamicValueAndEncodeTheSameBytes() {
        try (BpfObject obj = TypedValuesLoadTest.filled()) {
            BpfMap values = obj.map("values");
            Btf btf = MapBtf.of(values).value().orElseThrow().btf();
            RecordCodec<AllKinds> codec = RecordCodec.bind(MethodHandles.lookup(), AllKinds.class, btf, "all_kinds");
            byte[] raw = values.lookup(new byte[4]).orElseThrow();
            AllKinds v = codec.fromBytes(raw);
            assertEquals(250, v.u8());
            assertEquals(65000, v.u16());
            assertEquals(4_000_000_000L, v.u32());
            assertEquals("18364758544493064720", v.u64().toString());
            assertEquals("typed-bpf", v.name());
            assertArrayEquals(new long[] {1, 2, 3}, v.nums());
            assertEquals(new Inner(8080, (byte) -1), v.in());
            assertEquals(Color.MINUS, v.color());
            assertEquals("WIDE_BIG", v.wide().name());
            assertEquals(77, v.anonX());
            assertEquals(-79, v.anonS());
            assertEquals(0xffff888012345678L, v.ptr());
            assertEquals(-1L, v.bigUnsigned());
            assertEquals(0x04030201L, v.either().getLong("as_u32"));

            // Encoding writes what the record holds at BTF's offsets: the bytes the dynamic codec
            // writes for the same value with the members the record leaves out at zero.
            BtfCodec dynamic = BtfCodec.of(MapBtf.of(values).value().orElseThrow());
            StructValue all = (StructValue) dynamic.fromBytes(raw);
            StructValue expected = all.with("flag_a", 0)
                    .with("flag_b", 0)
                    .with("level", 0)
                    .with("anon_u", 0L)
                    .with("anon_s", -79)
                    .with("pairs", java.util.List.of(java.util.Map.of(), java.util.Map.of()));
            assertArrayEquals(dynamic.toBytes(expected), codec.toBytes(v));
            assertEquals(codec.size(), values.valueSize());
        }
    }

    record WrongWidth(int packets) {}

    record Unsigned32InInt(int saddr) {}

    record Missing(long packets, long bytez) {}

    record ShortTag(String tag, long packets) {}

    record Bitfield(int level) {}

    record FlowKey(long saddr, long daddr, int sport, int dport, int proto) {}

    @Test
    void mismatchesFailAtBindNamingBothSides() {
        try (BpfObject obj = TypedValuesLoadTest.filled()) {
            Btf btf = MapBtf.of(obj.map("values")).value().orElseThrow().btf();
            MethodHandles.Lookup l = MethodHandles.lookup();
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> RecordCodec.bind(l, WrongWidth.class, btf, "flow_stats"));
            assertEquals(
                    "record WrongWidth component \"packets\" (int) and struct flow_stats member \"packets\" (__u64):"
                            + " an unsigned 64-bit member does not fit a int (unsigned needs a wider type)",
                    e.getMessage());
            e = assertThrows(
                    IllegalArgumentException.class, () -> RecordCodec.bind(l, Unsigned32InInt.class, btf, "flow_key"));
            assertEquals(
                    "record Unsigned32InInt component \"saddr\" (int) and struct flow_key member \"saddr\" (__u32):"
                            + " an unsigned 32-bit member does not fit a int (unsigned needs a wider type)",
                    e.getMessage());
            e = assertThrows(
                    IllegalArgumentException.class, () -> RecordCodec.bind(l, Missing.class, btf, "flow_stats"));
            assertEquals(
                    "record Missing component \"bytez\" has no member in struct flow_stats (looked for [bytez];"
                            + " its members are [packets, bytes, tag])",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> RecordCodec.bind(l, Missing.class, btf, "flow_key"));
            assertEquals(
                    "record Missing component \"packets\" has no member in struct flow_key (looked for [packets];"
                            + " its members are [saddr, daddr, sport, dport, proto])",
                    e.getMessage());
            e = assertThrows(
                    IllegalArgumentException.class, () -> RecordCodec.bind(l, Bitfield.class, btf, "all_kinds"));
            assertEquals(
                    "record Bitfield component \"level\" (int) and struct all_kinds member \"level\" (int): the member"
                            + " is a bitfield; read it with a StructValue or Object component",
                    e.getMessage());
            assertThrows(
                    java.util.NoSuchElementException.class, () -> RecordCodec.bind(l, FlowKey.class, btf, "no_such"));

            // What fits binds: a record may leave members out; the size is the struct's.
            RecordCodec<ShortTag> tag = RecordCodec.bind(l, ShortTag.class, btf, "flow_stats");
            assertEquals(24, tag.size());
            byte[] b = tag.toBytes(new ShortTag("abc", 5));
            assertEquals(new ShortTag("abc", 5), tag.fromBytes(b));
            assertEquals(5, b[0]);
            assertEquals('a', b[16]);
            IllegalArgumentException tooLong =
                    assertThrows(IllegalArgumentException.class, () -> tag.toBytes(new ShortTag("12345678", 1)));
            assertEquals("string of 8 bytes does not fit char[8] with its NUL: \"12345678\"", tooLong.getMessage());
            RecordCodec<FlowKey> key = RecordCodec.bind(l, FlowKey.class, btf, "flow_key");
            assertEquals(16, key.size());
            assertEquals(
                    new FlowKey(0xffffffffL, 2, 65535, 4, 255),
                    key.fromBytes(key.toBytes(new FlowKey(0xffffffffL, 2, 65535, 4, 255))));
            assertThrows(IllegalArgumentException.class, () -> key.toBytes(new FlowKey(1L << 32, 2, 3, 4, 5)));
        }
    }
}
