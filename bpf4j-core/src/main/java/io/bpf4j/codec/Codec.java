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
    /** The encoded size in bytes. */
    int size();

    /** Writes {@code value} at {@code offset} of {@code out} ({@link #size()} bytes). */
    void encode(T value, MemorySegment out, long offset);

    /** Reads a value at {@code offset} of {@code in}. */
    T decode(MemorySegment in, long offset);

    /** The value as a new byte array. */
    default byte[] toBytes(T value) {
        byte[] b = new byte[size()];
        encode(value, MemorySegment.ofArray(b), 0);
        return b;
    }

    /** The value held by {@code bytes} (at least {@link #size()} long). */
    default T fromBytes(byte[] bytes) {
        if (bytes.length < size()) {
            throw new IllegalArgumentException(bytes.length + " bytes given, " + size() + " needed");
        }
        return decode(MemorySegment.ofArray(bytes), 0);
    }

    /** A codec of another Java type over the same bytes. */
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
