package io.bpf4j.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandles;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Codecs round-trip values in the host's byte order and refuse what does not fit. */
class CodecsTest {
    record Event(int pid, long ts, String comm) {}

    @Test
    void scalarsRoundTripLittleEndian() {
        assertArrayEquals(new byte[] {1, 0, 0, 0}, Codecs.s32().toBytes(1));
        assertEquals(-2, Codecs.s32().fromBytes(new byte[] {-2, -1, -1, -1}));
        assertEquals(0xffff_fffeL, Codecs.u32().fromBytes(new byte[] {-2, -1, -1, -1}));
        assertEquals(255, Codecs.u8().fromBytes(new byte[] {-1}));
        assertEquals(65535, Codecs.u16().fromBytes(new byte[] {-1, -1}));
        assertEquals(-1L, Codecs.u64().fromBytes(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}));
        assertEquals(1.5f, Codecs.f32().fromBytes(Codecs.f32().toBytes(1.5f)));
        assertEquals(2.25, Codecs.f64().fromBytes(Codecs.f64().toBytes(2.25)));
        assertThrows(IllegalArgumentException.class, () -> Codecs.u8().toBytes(256));
        assertThrows(IllegalArgumentException.class, () -> Codecs.u32().toBytes(-1L));
        assertThrows(IllegalArgumentException.class, () -> Codecs.s32().fromBytes(new byte[3]));
    }

    @Test
    void stringsAreNulTerminatedAndBounded() {
        Codec<String> s = Codecs.string(8);
        assertArrayEquals(new byte[] {'b', 'a', 's', 'h', 0, 0, 0, 0}, s.toBytes("bash"));
        assertEquals("bash", s.fromBytes(new byte[] {'b', 'a', 's', 'h', 0, 'x', 'y', 'z'}));
        assertEquals("12345678", Codecs.string(9).fromBytes("12345678\0".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> s.toBytes("12345678"));
        assertThrows(IllegalArgumentException.class, () -> Codecs.bytes(4).toBytes(new byte[3]));
        assertEquals(
                List.of(1, 2, 3),
                Codecs.array(Codecs.s32(), 3)
                        .fromBytes(Codecs.array(Codecs.s32(), 3).toBytes(List.of(1, 2, 3))));
    }

    @Test
    void arraysLargerThanAnIntAreRefused() {
        // Before: 8 × 2^29 wrapped to a size of 0, and 8 × (2^28 + 1) to a negative size.
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Codecs.array(Codecs.s64(), 1 << 29));
        assertEquals("array of 536870912 elements of 8 bytes is larger than 2 GiB (4294967296 bytes)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Codecs.array(Codecs.s64(), (1 << 28) + 1));
        assertEquals(
                8 * ((1 << 28) - 1), Codecs.array(Codecs.s64(), (1 << 28) - 1).size());
    }

    @Test
    void recordsFollowTheDeclaredLayout() {
        RecordCodec<Event> c = RecordCodec.builder(MethodHandles.lookup(), Event.class)
                .field("pid", Codecs.s32())
                .align(8)
                .field("ts", Codecs.s64())
                .field("comm", Codecs.string(16))
                .build();
        assertEquals(32, c.size());
        Event e = new Event(42, 1234567890123L, "java");
        byte[] b = c.toBytes(e);
        assertEquals(42, Codecs.s32().fromBytes(b));
        assertEquals(0, b[4], "padding is zeroed");
        assertEquals(e, c.fromBytes(b));
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.builder(MethodHandles.lookup(), Event.class)
                .field("pid", Codecs.s32())
                .build());
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.builder(MethodHandles.lookup(), Event.class)
                .field("nope", Codecs.s32()));
    }

    /** Two codecs of different record types, decoded through the same {@code Codec} call site. */
    record Pair(short a, byte[] b) {}

    @Test
    void recordDecodersAreSpunPerLayoutAndDecodeThroughEveryEntryPoint() {
        RecordCodec<Event> events = RecordCodec.builder(MethodHandles.lookup(), Event.class)
                .field("pid", Codecs.s32())
                .pad(4)
                .field("ts", Codecs.s64())
                .field("comm", Codecs.string(16))
                .build();
        RecordCodec<Pair> pairs = RecordCodec.builder(MethodHandles.lookup(), Pair.class)
                .field("a", Codecs.s16())
                .field("b", Codecs.bytes(3))
                .build();
        // The fast path is a hidden class per layout; if spinning fell back silently, decoding would
        // still work but at a third of the speed, so the fallback is a defect this test catches.
        assertTrue(events.getClass().isHidden(), events.getClass().getName());
        assertTrue(pairs.getClass().isHidden());
        assertNotEquals(events.getClass(), pairs.getClass());
        Event e = new Event(-7, Long.MIN_VALUE, "abc");
        List<Codec<?>> codecs = List.of(events, pairs);
        Object viaInterface = codecs.get(0).fromBytes(events.toBytes(e));
        assertEquals(e, viaInterface);
        Pair p = pairs.decode(java.lang.foreign.MemorySegment.ofArray(new byte[] {1, 2, 9, 8, 7}), 0);
        assertEquals(0x0201, p.a());
        assertArrayEquals(new byte[] {9, 8, 7}, p.b());
        assertEquals(5, pairs.size());
    }

    @Test
    void aRecordIsReadFromTheFieldsItCoversAtTheGivenOffset() {
        // 12 bytes of fields, 16 with the trailing padding the struct declares.
        RecordCodec<Pair> pairs = RecordCodec.builder(MethodHandles.lookup(), Pair.class)
                .field("a", Codecs.s16())
                .field("b", Codecs.bytes(10))
                .size(16)
                .build();
        byte[] bytes = new byte[3 + 12];
        bytes[3] = 5;
        bytes[14] = 9;
        var seg = java.lang.foreign.MemorySegment.ofArray(bytes);
        Pair p = pairs.decode(seg, 3);
        assertEquals(5, p.a());
        assertEquals(9, p.b()[9]);
        // The trailing padding need not be there; a field past the end must.
        assertThrows(IndexOutOfBoundsException.class, () -> pairs.decode(seg, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> pairs.decode(seg.asSlice(0, 14), 3));
    }
}
