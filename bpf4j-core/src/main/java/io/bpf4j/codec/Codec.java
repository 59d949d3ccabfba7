package io.bpf4j.codec;

import java.lang.foreign.MemorySegment;

/**
 * Converts between a Java value and the fixed-size bytes of a map key, map value or event, in the
 * host's byte order (as BPF programs see them).
 *
 * <pre>{@code
 * Codec<Long> u64 = Codecs.u64();
 * TypedMap<Integer, Long> counts = TypedMap.of(map, Codecs.s32(), u64);
 * }</pre>
 *
 * @param <T> the Java type
 */
public interface Codec<T> {
    /**
     * The encoded size: every value takes exactly this many bytes.
     *
     * @return the size in bytes
     */
    int size();

    /**
     * Writes {@code value} at {@code offset} of {@code out}, {@link #size()} bytes in the host's order.
     *
     * @param value the value to write
     * @param out where to write it
     * @param offset the byte offset in {@code out}
     * @throws IndexOutOfBoundsException when {@code out} has fewer than {@code offset + size()} bytes
     */
    void encode(T value, MemorySegment out, long offset);

    /**
     * Reads the value whose {@link #size()} bytes start at {@code offset} of {@code in}.
     *
     * @param in the bytes to read
     * @param offset the byte offset in {@code in}
     * @return the value
     * @throws IndexOutOfBoundsException when {@code in} has fewer than {@code offset + size()} bytes
     */
    T decode(MemorySegment in, long offset);

    /**
     * Encodes {@code value} into a new array.
     *
     * @param value the value to encode
     * @return a new array of {@link #size()} bytes
     */
    default byte[] toBytes(T value) {
        byte[] b = new byte[size()];
        encode(value, MemorySegment.ofArray(b), 0);
        return b;
    }

    /**
     * Decodes the value held by the first {@link #size()} bytes of {@code bytes}.
     *
     * @param bytes the encoded value, at least {@link #size()} long
     * @return the value
     * @throws IllegalArgumentException when {@code bytes} is shorter than {@link #size()}
     */
    default T fromBytes(byte[] bytes) {
        if (bytes.length < size()) {
            throw new IllegalArgumentException(bytes.length + " bytes given, " + size() + " needed");
        }
        return decode(MemorySegment.ofArray(bytes), 0);
    }

    /**
     * A codec of another Java type over the same bytes: decoding reads a {@code T} and converts
     * it with {@code decoder}; encoding converts with {@code encoder} and writes the {@code T}.
     *
     * <pre>{@code
     * Codec<Duration> ns = Codecs.u64().map(Duration::ofNanos, Duration::toNanos);
     * }</pre>
     *
     * @param <U> the new Java type
     * @param decoder from this codec's value to the new type
     * @param encoder from the new type to this codec's value
     * @return a codec of the same {@link #size()}
     */
    default <U> Codec<U> map(java.util.function.Function<T, U> decoder, java.util.function.Function<U, T> encoder) {
        Codec<T> base = this;
        return new Codec<>() {
            @Override
            public int size() {
                return base.size();
            }

            @Override
            public void encode(U value, MemorySegment out, long offset) {
                base.encode(encoder.apply(value), out, offset);
            }

            @Override
            public U decode(MemorySegment in, long offset) {
                return decoder.apply(base.decode(in, offset));
            }
        };
    }
}
