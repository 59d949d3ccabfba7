package io.bpf4j.observability;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.Type;
import io.bpf4j.btf.TypeRef;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One numeric member of a BTF value (an integer, enum or float, or an array of integers), found
 * by walking the type once so that values are read straight from the map's bytes at scrape time,
 * without decoding the whole struct. Nested members are named by their path joined with
 * {@code _} ({@code stats.rx} becomes {@code stats_rx}); bitfields and pointers are not leaves.
 *
 * @param path the member's name path joined by {@code _}; "" for a scalar value
 * @param offset byte offset in the value
 * @param size bytes of one element (1, 2, 4 or 8)
 * @param signed whether the integer is signed
 * @param floating whether it is a float or double
 * @param length number of elements: 1 for a scalar, N for an array of integers
 */
record Leaf(String path, long offset, int size, boolean signed, boolean floating, int length) {
    private static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt S32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong S64 = ValueLayout.JAVA_LONG_UNALIGNED;

    /** Whether this is an array of integers (a histogram's slots). */
    boolean isArray() {
        return length > 1 || length == 0;
    }

    /** Element {@code i} at {@code base} as a double (u64 above 2^63 stays positive). */
    double read(MemorySegment s, long base, int i) {
        long at = base + offset + (long) i * size;
        if (floating) {
            return size == 4
                    ? s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at)
                    : s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at);
        }
        long v = readLong(s, base, i);
        return !signed && size == 8 && v < 0 ? unsignedDouble(v) : v;
    }

    /** Element {@code i} at {@code base} as a long (sign- or zero-extended; a u64's raw bits). */
    long readLong(MemorySegment s, long base, int i) {
        long at = base + offset + (long) i * size;
        return switch (size) {
            case 1 -> signed ? s.get(ValueLayout.JAVA_BYTE, at) : Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, at));
            case 2 -> signed ? s.get(S16, at) : Short.toUnsignedLong(s.get(S16, at));
            case 4 -> signed ? s.get(S32, at) : Integer.toUnsignedLong(s.get(S32, at));
            default -> s.get(S64, at);
        };
    }

    static double unsignedDouble(long v) {
        return (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /**
     * The numeric leaves of {@code type}: itself when it is a scalar (path ""), else every
     * integer, enum, float and integer-array member, recursively.
     */
    static List<Leaf> of(TypeRef type) {
        List<Leaf> out = new ArrayList<>();
        walk(type.btf(), type.btf().resolve(type.id()), "", 0, out);
        return out;
    }

    private static void walk(Btf btf, int id, String path, long offset, List<Leaf> out) {
        Type t = btf.type(id);
        switch (t) {
            case Type.Int i -> {
                if (i.size() <= 8 && (i.size() & (i.size() - 1)) == 0) {
                    out.add(new Leaf(path, offset, i.size(), i.signed(), false, 1));
                }
            }
            case Type.Enum e -> out.add(new Leaf(path, offset, e.size(), e.signed(), false, 1));
            case Type.Enum64 e -> out.add(new Leaf(path, offset, e.size(), e.signed(), false, 1));
            case Type.Float f -> out.add(new Leaf(path, offset, f.size(), true, true, 1));
            case Type.Array a -> {
                Type el = btf.type(btf.resolve(a.elementId()));
                if (el instanceof Type.Int i && !i.isChar() && i.size() <= 8 && (i.size() & (i.size() - 1)) == 0) {
                    out.add(new Leaf(path, offset, i.size(), i.signed(), false, a.length()));
                }
            }
            case Type.Struct s -> members(btf, s.members(), s.bitfieldEncoding(), path, offset, out);
            case Type.Union u -> members(btf, u.members(), u.bitfieldEncoding(), path, offset, out);
            default -> {
                // pointers, functions, forward declarations: nothing to count
            }
        }
    }

    private static void members(
            Btf btf, List<Type.Member> members, boolean bitfields, String path, long offset, List<Leaf> out) {
        for (Type.Member m : members) {
            if (bitfields && m.bitfieldSize() != 0 || m.bitOffset() % 8 != 0) {
                continue; // a bitfield: not addressable by bytes
            }
            String name = m.name().isEmpty() ? path : path.isEmpty() ? m.name() : path + "_" + m.name();
            walk(btf, btf.resolve(m.typeId()), name, offset + m.bitOffset() / 8, out);
        }
    }
}
