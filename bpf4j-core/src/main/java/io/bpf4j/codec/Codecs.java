package io.bpf4j.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The built-in codecs: integers of every width (signed and unsigned), floats, fixed-size
 * NUL-terminated strings and byte arrays. Unsigned types widen to the next Java type so no value
 * is negative: u8 and u16 decode to {@code Integer}, u32 to {@code Long}, u64 to {@code Long}
 * holding the raw 64 bits (use {@link Long#toUnsignedString(long)}).
 *
 * <pre>{@code
 * Codec<String> comm = Codecs.string(16);
 * byte[] b = comm.toBytes("bash");
 * }</pre>
 */
public final class Codecs {
    private Codecs() {}

    private record Fixed<T>(int size, Reader<T> reader, Writer<T> writer) implements Codec<T> {
        @Override
        public void encode(T value, MemorySegment out, long offset) {
            writer.write(out, offset, value);
        }

        @Override
        public T decode(MemorySegment in, long offset) {
            return reader.read(in, offset);
        }
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(MemorySegment s, long off);
    }

    @FunctionalInterface
    private interface Writer<T> {
        void write(MemorySegment s, long off, T v);
    }

    /** A codec that can also give its decoder as a method handle {@code (MemorySegment, long) -> T}. */
    interface Direct {
        java.lang.invoke.MethodHandle decodeHandle();
    }

    private record Primitive<T>(
            int size, Reader<T> reader, Writer<T> writer, java.lang.invoke.MethodHandle decodeHandle)
            implements Codec<T>, Direct {
        @Override
        public void encode(T value, MemorySegment out, long offset) {
            writer.write(out, offset, value);
        }

        @Override
        public T decode(MemorySegment in, long offset) {
            return reader.read(in, offset);
        }
    }

    /** A fixed-size primitive codec whose decoder is also the plain layout read {@code (segment, offset) -> primitive}. */
    private static <T> Codec<T> primitive(ValueLayout layout, Reader<T> r, Writer<T> w) {
        java.lang.invoke.MethodHandle get =
                layout.varHandle().toMethodHandle(java.lang.invoke.VarHandle.AccessMode.GET);
        return new Primitive<>((int) layout.byteSize(), r, w, get);
    }

    private static <T> Codec<T> fixed(int size, Reader<T> r, Writer<T> w) {
        return new Fixed<>(size, r, w);
    }

    private static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt S32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong S64 = ValueLayout.JAVA_LONG_UNALIGNED;

    /** Signed 8-bit. */
    public static Codec<Byte> s8() {
        return primitive(
                ValueLayout.JAVA_BYTE,
                (s, o) -> s.get(ValueLayout.JAVA_BYTE, o),
                (s, o, v) -> s.set(ValueLayout.JAVA_BYTE, o, v));
    }

    /** Unsigned 8-bit as 0..255; values outside are refused. */
    public static Codec<Integer> u8() {
        return fixed(
                1,
                (s, o) -> s.get(ValueLayout.JAVA_BYTE, o) & 0xff,
                (s, o, v) -> s.set(ValueLayout.JAVA_BYTE, o, (byte) (int) checkRange(v, 0xffL, "u8")));
    }

    /** Signed 16-bit. */
    public static Codec<Short> s16() {
        return primitive(S16, (s, o) -> s.get(S16, o), (s, o, v) -> s.set(S16, o, v));
    }

    /** Unsigned 16-bit as 0..65535. */
    public static Codec<Integer> u16() {
        return fixed(
                2,
                (s, o) -> s.get(S16, o) & 0xffff,
                (s, o, v) -> s.set(S16, o, (short) (int) checkRange(v, 0xffffL, "u16")));
    }

    /** Signed 32-bit. */
    public static Codec<Integer> s32() {
        return primitive(S32, (s, o) -> s.get(S32, o), (s, o, v) -> s.set(S32, o, v));
    }

    /** Unsigned 32-bit as 0..2^32-1. */
    public static Codec<Long> u32() {
        return fixed(
                4,
                (s, o) -> s.get(S32, o) & 0xffff_ffffL,
                (s, o, v) -> s.set(S32, o, (int) (long) checkRange(v, 0xffff_ffffL, "u32")));
    }

    /** Signed 64-bit. */
    public static Codec<Long> s64() {
        return primitive(S64, (s, o) -> s.get(S64, o), (s, o, v) -> s.set(S64, o, v));
    }

    /** Unsigned 64-bit: the raw bits in a {@code long}. */
    public static Codec<Long> u64() {
        return s64();
    }

    /** IEEE 754 single precision. */
    public static Codec<Float> f32() {
        return fixed(
                4,
                (s, o) -> s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, o),
                (s, o, v) -> s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o, v));
    }

    /** IEEE 754 double precision. */
    public static Codec<Double> f64() {
        return fixed(
                8,
                (s, o) -> s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, o),
                (s, o, v) -> s.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, o, v));
    }

    /** A boolean in one byte (0 false, anything else true). */
    public static Codec<Boolean> bool() {
        return fixed(
                1,
                (s, o) -> s.get(ValueLayout.JAVA_BYTE, o) != 0,
                (s, o, v) -> s.set(ValueLayout.JAVA_BYTE, o, (byte) (v ? 1 : 0)));
    }

    /**
     * A C {@code char[size]}: decoded up to the first NUL (UTF-8), encoded NUL-padded. A string
     * whose bytes do not fit with a terminating NUL is refused.
     */
    public static Codec<String> string(int size) {
        positive(size, "string");
        return fixed(
                size,
                (s, o) -> {
                    int n = 0;
                    while (n < size && s.get(ValueLayout.JAVA_BYTE, o + n) != 0) {
                        n++;
                    }
                    byte[] b = new byte[n];
                    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, o, b, 0, n);
                    return new String(b, StandardCharsets.UTF_8);
                },
                (s, o, v) -> {
                    byte[] b = v.getBytes(StandardCharsets.UTF_8);
                    if (b.length >= size) {
                        throw new IllegalArgumentException("string of " + b.length + " bytes does not fit char[" + size
                                + "] with its NUL: \"" + v + "\"");
                    }
                    MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, o, b.length);
                    s.asSlice(o + b.length, size - b.length).fill((byte) 0);
                });
    }

    /** Exactly {@code size} raw bytes. */
    public static Codec<byte[]> bytes(int size) {
        positive(size, "byte array");
        return fixed(
                size,
                (s, o) -> {
                    byte[] b = new byte[size];
                    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, o, b, 0, size);
                    return b;
                },
                (s, o, v) -> {
                    if (v.length != size) {
                        throw new IllegalArgumentException(
                                "byte array of " + v.length + " bytes for a " + size + "-byte field");
                    }
                    MemorySegment.copy(v, 0, s, ValueLayout.JAVA_BYTE, o, size);
                });
    }

    /**
     * A fixed array of {@code count} elements of another codec, as a list.
     *
     * @throws IllegalArgumentException when {@code count} is not positive or the array's size in
     *         bytes does not fit an {@code int}
     */
    public static <T> Codec<java.util.List<T>> array(Codec<T> element, int count) {
        positive(count, "array");
        int size;
        try {
            size = Math.multiplyExact(element.size(), count);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("array of " + count + " elements of " + element.size()
                    + " bytes is larger than 2 GiB (" + (long) element.size() * count + " bytes)");
        }
        return fixed(
                size,
                (s, o) -> {
                    java.util.List<T> out = new java.util.ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        out.add(element.decode(s, o + (long) i * element.size()));
                    }
                    return java.util.List.copyOf(out);
                },
                (s, o, v) -> {
                    if (v.size() != count) {
                        throw new IllegalArgumentException(
                                "list of " + v.size() + " elements for an array of " + count);
                    }
                    for (int i = 0; i < count; i++) {
                        element.encode(v.get(i), s, o + (long) i * element.size());
                    }
                });
    }

    /** Same as {@link Codec#map}, for readability at call sites. */
    public static <T, U> Codec<U> mapped(Codec<T> base, Function<T, U> decoder, Function<U, T> encoder) {
        return base.map(decoder, encoder);
    }

    private static <N extends Number> N checkRange(N v, long max, String what) {
        long l = v.longValue();
        if (l < 0 || l > max) {
            throw new IllegalArgumentException(v + " is outside the range of " + what + " (0.." + max + ")");
        }
        return v;
    }

    private static void positive(int n, String what) {
        if (n <= 0) {
            throw new IllegalArgumentException(what + " size must be positive, got " + n);
        }
    }
}
