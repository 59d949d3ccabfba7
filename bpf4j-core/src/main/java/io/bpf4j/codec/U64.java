package io.bpf4j.codec;

import java.math.BigInteger;

/**
 * An unsigned 64-bit integer (a BTF {@code __u64}, {@code unsigned long}...): the 64 bits in a
 * {@code long}, read as unsigned everywhere it matters, so no value at or above 2^63 shows up
 * negative. {@link #toString()} and {@link #bigIntegerValue()} are unsigned, {@link #compareTo}
 * compares unsigned, {@link #doubleValue()} converts unsigned; {@link #longValue()} is the raw
 * bits (two's complement), for code that does its own unsigned arithmetic.
 *
 * <pre>{@code
 * U64 bytes = (U64) value.get("bytes");
 * System.out.println(bytes);                       // 18446744073709551615, never -1
 * long raw = bytes.longValue();                    // -1: the bits, for Long.compareUnsigned & co.
 * }</pre>
 */
public final class U64 extends Number implements Comparable<U64> {
    /** Version of the serialized form (Number is Serializable): the value's 64 bits. */
    private static final long serialVersionUID = 1L;

    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private final long bits;

    private U64(long bits) {
        this.bits = bits;
    }

    /**
     * The value whose 64 bits are {@code bits} (so {@code of(-1)} is 2^64 - 1).
     *
     * @param bits the value's bits, as a BPF program's {@code __u64} holds them
     * @return the unsigned value
     */
    public static U64 of(long bits) {
        return new U64(bits);
    }

    /**
     * The value of {@code v}.
     *
     * @param v a value in 0..2^64-1
     * @return the unsigned value
     * @throws IllegalArgumentException outside 0..2^64-1
     */
    public static U64 of(BigInteger v) {
        if (v.signum() < 0 || v.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(v + " is outside the range of u64 (0.." + MAX + ")");
        }
        return new U64(v.longValue());
    }

    /**
     * Parses a decimal (or {@code 0x} hexadecimal) unsigned value.
     *
     * @param s the digits, without sign
     * @return the value
     * @throws NumberFormatException when {@code s} is not a number in 0..2^64-1
     */
    public static U64 parse(String s) {
        return s.startsWith("0x") || s.startsWith("0X")
                ? new U64(Long.parseUnsignedLong(s.substring(2), 16))
                : new U64(Long.parseUnsignedLong(s));
    }

    /** The raw 64 bits (negative for values at or above 2^63). */
    @Override
    public long longValue() {
        return bits;
    }

    /** The low 32 bits. */
    @Override
    public int intValue() {
        return (int) bits;
    }

    @Override
    public float floatValue() {
        return (float) doubleValue();
    }

    /** The unsigned value as a double. */
    @Override
    public double doubleValue() {
        return bits >= 0 ? bits : bigIntegerValue().doubleValue();
    }

    /**
     * The unsigned value, exactly.
     *
     * @return the value in 0..2^64-1
     */
    public BigInteger bigIntegerValue() {
        return bits >= 0 ? BigInteger.valueOf(bits) : BigInteger.valueOf(bits).add(BigInteger.ONE.shiftLeft(64));
    }

    @Override
    public int compareTo(U64 o) {
        return Long.compareUnsigned(bits, o.bits);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof U64 u && u.bits == bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits);
    }

    /** The unsigned decimal value. */
    @Override
    public String toString() {
        return Long.toUnsignedString(bits);
    }
}
