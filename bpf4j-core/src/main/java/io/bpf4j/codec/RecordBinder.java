package io.bpf4j.codec;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.Type;
import io.bpf4j.btf.TypeRef;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds a record's components to a BTF struct's members by name ({@link RecordCodec#bind}): picks
 * each component's codec from the member's C type and the component's Java type, refusing what
 * does not fit, and lays the fields at the offsets BTF gives.
 */
final class RecordBinder {
    private static final int MAX_DEPTH = 32;

    private RecordBinder() {}

    static <R extends Record> RecordCodec<R> bind(
            MethodHandles.Lookup lookup, Class<R> type, TypeRef struct, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(
                    "records nest deeper than " + MAX_DEPTH + " levels at " + type.getName());
        }
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        Btf btf = struct.btf();
        int sid = btf.resolve(struct.id());
        List<Type.Member> members =
                switch (btf.type(sid)) {
                    case Type.Struct s -> s.members();
                    case Type.Union u -> u.members();
                    default ->
                        throw new IllegalArgumentException(
                                "cannot bind " + type.getSimpleName() + " to " + struct + ": not a struct or union");
                };
        String sname = btf.cName(sid);
        RecordCodec.Builder<R> b = RecordCodec.builder(lookup, type);
        for (RecordComponent c : type.getRecordComponents()) {
            Located m = find(btf, members, c.getName(), 0);
            if (m == null) {
                throw new IllegalArgumentException("record " + type.getSimpleName() + " component \"" + c.getName()
                        + "\" has no member in " + sname + " (looked for " + candidates(c.getName())
                        + "; its members are "
                        + names(btf, members) + ")");
            }
            String where = "record " + type.getSimpleName() + " component \"" + c.getName() + "\" ("
                    + c.getType().getSimpleName() + ") and " + sname + " member \"" + m.member.name() + "\" ("
                    + btf.cName(m.member.typeId()) + ")";
            if (m.member.bitfieldSize() != 0 || m.member.bitOffset() % 8 != 0) {
                throw new IllegalArgumentException(
                        where + ": the member is a bitfield; read it with a StructValue or Object component");
            }
            Codec<?> codec = codec(lookup, c.getType(), new TypeRef(btf, m.member.typeId()), where, depth);
            b.fieldAt(c.getName(), codec, m.byteOffset);
        }
        b.size(Math.toIntExact(btf.sizeof(sid)));
        return b.build();
    }

    private record Located(Type.Member member, long byteOffset) {}

    /** The member named like the component, looking into anonymous members as C does. */
    private static Located find(Btf btf, List<Type.Member> members, String component, long base) {
        List<String> want = candidates(component);
        for (Type.Member m : members) {
            if (!m.name().isEmpty() && want.contains(m.name())) {
                return new Located(m, base + Integer.toUnsignedLong(m.bitOffset()) / 8);
            }
        }
        for (Type.Member m : members) {
            if (m.name().isEmpty() && m.bitfieldSize() == 0) {
                Type t = btf.type(btf.resolve(m.typeId()));
                List<Type.Member> inner =
                        t instanceof Type.Struct s ? s.members() : t instanceof Type.Union u ? u.members() : null;
                if (inner != null) {
                    Located l = find(btf, inner, component, base + Integer.toUnsignedLong(m.bitOffset()) / 8);
                    if (l != null) {
                        return l;
                    }
                }
            }
        }
        return null;
    }

    /** {@code srcPort} → [srcPort, src_port]. */
    static List<String> candidates(String component) {
        StringBuilder snake = new StringBuilder();
        for (char ch : component.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                snake.append('_').append(Character.toLowerCase(ch));
            } else {
                snake.append(ch);
            }
        }
        return snake.toString().equals(component) ? List.of(component) : List.of(component, snake.toString());
    }

    private static List<String> names(Btf btf, List<Type.Member> members) {
        List<String> out = new ArrayList<>();
        for (Type.Member m : members) {
            if (m.name().isEmpty()) {
                Type t = btf.type(btf.resolve(m.typeId()));
                if (t instanceof Type.Struct s) {
                    out.addAll(names(btf, s.members()));
                } else if (t instanceof Type.Union u) {
                    out.addAll(names(btf, u.members()));
                }
            } else {
                out.add(m.name());
            }
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Codec<?> codec(MethodHandles.Lookup lookup, Class<?> c, TypeRef member, String where, int depth) {
        Btf btf = member.btf();
        int id = btf.resolve(member.id());
        Type t = btf.type(id);
        if (c == Object.class || c == StructValue.class && (t instanceof Type.Struct || t instanceof Type.Union)) {
            return BtfCodec.of(member);
        }
        return switch (t) {
            case Type.Int i when i.isBool() && (c == boolean.class || c == Boolean.class) -> Codecs.bool();
            case Type.Int i -> integer(c, i.size(), i.signed(), where);
            case Type.Ptr p when c == long.class || c == Long.class -> Codecs.s64();
            case Type.Float f when f.size() == 4 && (c == float.class || c == Float.class) -> Codecs.f32();
            case Type.Float f when f.size() == 8 && (c == double.class || c == Double.class) -> Codecs.f64();
            case Type.Enum e -> enumCodec(c, member, e.size(), e.signed(), e.values(), where);
            case Type.Enum64 e -> enumCodec(c, member, e.size(), e.signed(), e.values(), where);
            case Type.Array a -> array(lookup, c, btf, a, where, depth);
            case Type.Struct s when c.isRecord() -> RecordBinder.bind(lookup, (Class) c, member, depth + 1);
            case Type.Union u when c.isRecord() -> RecordBinder.bind(lookup, (Class) c, member, depth + 1);
            default -> throw new IllegalArgumentException(where + ": a " + c.getSimpleName() + " cannot hold it");
        };
    }

    @SuppressWarnings("unchecked")
    private static Codec<?> enumCodec(
            Class<?> c, TypeRef member, int size, boolean signed, List<Type.Enumerator> values, String where) {
        if (c == EnumValue.class) {
            return BtfCodec.of(member);
        }
        if (c.isEnum()) {
            Object[] constants = c.getEnumConstants();
            for (Object k : constants) {
                String n = ((Enum<?>) k).name();
                if (values.stream().noneMatch(v -> v.name().equals(n))) {
                    throw new IllegalArgumentException(
                            where + ": enum constant " + n + " is not an enumerator (they are "
                                    + values.stream().map(Type.Enumerator::name).toList() + ")");
                }
            }
            Codec<Long> raw = (Codec<Long>) (Codec<?>) integer(long.class, size, signed, where);
            return raw.map(
                    v -> {
                        for (Type.Enumerator e : values) {
                            if (e.value() == v) {
                                for (Object k : constants) {
                                    if (((Enum<?>) k).name().equals(e.name())) {
                                        return k;
                                    }
                                }
                            }
                        }
                        // C enums hold values beyond their enumerators (0 in zeroed memory, flags): null, not an error.
                        return null;
                    },
                    k -> k == null
                            ? 0L
                            : values.stream()
                                    .filter(e -> e.name().equals(((Enum<?>) k).name()))
                                    .findFirst()
                                    .orElseThrow()
                                    .value());
        }
        return integer(c, size, signed, where);
    }

    @SuppressWarnings("unchecked")
    private static Codec<?> array(
            MethodHandles.Lookup lookup, Class<?> c, Btf btf, Type.Array a, String where, int depth) {
        int n = a.length();
        if (n < 0) {
            throw new IllegalArgumentException(where + ": array of " + Integer.toUnsignedString(n) + " elements");
        }
        Type et = btf.type(btf.resolve(a.elementId()));
        if (!(et instanceof Type.Int ei)) {
            if (c.isArray() && depth < MAX_DEPTH) {
                // Arrays of structs, enums, arrays (int[2][3], char[4][16] as String[]): an array of the element's
                // codec.
                Codec<?> elem = codec(
                        lookup, c.getComponentType(), new TypeRef(btf, a.elementId()), where + " element", depth + 1);
                return javaArray(c.getComponentType(), elem, n, where);
            }
            throw new IllegalArgumentException(where + ": arrays of " + btf.cName(a.elementId())
                    + " bind to arrays of their element's Java type, or Object components (a StructValue list), not "
                    + c.getSimpleName());
        }
        if (c == String.class && ei.size() == 1) {
            return Codecs.string(n);
        }
        if (c == byte[].class && ei.size() == 1) {
            return Codecs.bytes(n);
        }
        if (c == short[].class || c == int[].class || c == long[].class) {
            Class<?> ec = c.getComponentType();
            return javaArray(ec, integer(ec, ei.size(), ei.signed(), where + " element"), n, where);
        }
        throw new IllegalArgumentException(where + ": a " + c.getSimpleName() + " cannot hold an array of " + n + " "
                + et.name() + " (use String/byte[] for 1-byte elements, short[]/int[]/long[], or Object)");
    }

    /** A Java array of {@code n} elements of class {@code ec}, each through {@code element}; a write checks the length. */
    @SuppressWarnings("unchecked")
    private static Codec<?> javaArray(Class<?> ec, Codec<?> element, int n, String where) {
        Codec<Object> elem = (Codec<Object>) element;
        Codec<List<Object>> list = Codecs.array(elem, n);
        return list.map(
                l -> {
                    Object arr = java.lang.reflect.Array.newInstance(ec, n);
                    for (int k = 0; k < n; k++) {
                        java.lang.reflect.Array.set(arr, k, l.get(k));
                    }
                    return arr;
                },
                arr -> {
                    int len = java.lang.reflect.Array.getLength(arr);
                    if (len != n) {
                        throw new IllegalArgumentException(
                                where + ": array of " + len + " elements, the member has " + n);
                    }
                    List<Object> l = new ArrayList<>(n);
                    for (int k = 0; k < n; k++) {
                        l.add(java.lang.reflect.Array.get(arr, k));
                    }
                    return l;
                });
    }

    /** An integer member of {@code size} bytes into a Java integer type that holds every value it can have. */
    static Codec<?> integer(Class<?> c, int size, boolean signed, String where) {
        int javaBytes;
        if (c == byte.class || c == Byte.class) {
            javaBytes = 1;
        } else if (c == short.class || c == Short.class) {
            javaBytes = 2;
        } else if (c == int.class || c == Integer.class) {
            javaBytes = 4;
        } else if (c == long.class || c == Long.class) {
            javaBytes = 8;
        } else if (c == U64.class && size == 8 && !signed) {
            return Codecs.u64().map(U64::of, U64::longValue);
        } else {
            throw new IllegalArgumentException(where + ": a " + c.getSimpleName() + " cannot hold a "
                    + (signed ? "signed " : "unsigned ") + (size * 8) + "-bit integer");
        }
        if (size > javaBytes || size == javaBytes && !signed && size != 8) {
            throw new IllegalArgumentException(
                    where + ": " + (signed ? "a signed " : "an unsigned ") + (size * 8) + "-bit member does not fit a "
                            + c.getSimpleName() + (signed ? "" : " (unsigned needs a wider type)"));
        }
        if (size == javaBytes) {
            return switch (size) {
                case 1 -> Codecs.s8();
                case 2 -> Codecs.s16();
                case 4 -> Codecs.s32();
                default -> Codecs.s64();
            };
        }
        return new Widened(size, signed, javaBytes);
    }

    /** A narrower C integer read into a wider Java one (sign- or zero-extended), range-checked on write. */
    private record Widened(int size, boolean signed, int javaBytes) implements Codec<Object> {
        @Override
        public void encode(Object value, MemorySegment out, long offset) {
            long v = ((Number) value).longValue();
            long min = signed ? -(1L << (size * 8 - 1)) : 0;
            long max = signed ? (1L << (size * 8 - 1)) - 1 : (1L << (size * 8)) - 1;
            if (v < min || v > max) {
                throw new IllegalArgumentException(v + " is outside the range of the " + (signed ? "" : "un")
                        + "signed " + size * 8 + "-bit member (" + min + ".." + max + ")");
            }
            switch (size) {
                case 1 -> out.set(ValueLayout.JAVA_BYTE, offset, (byte) v);
                case 2 -> out.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) v);
                default -> out.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) v);
            }
        }

        @Override
        public Object decode(MemorySegment in, long offset) {
            long v =
                    switch (size) {
                        case 1 ->
                            signed
                                    ? in.get(ValueLayout.JAVA_BYTE, offset)
                                    : in.get(ValueLayout.JAVA_BYTE, offset) & 0xffL;
                        case 2 ->
                            signed
                                    ? in.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset)
                                    : in.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset) & 0xffffL;
                        default ->
                            signed
                                    ? in.get(ValueLayout.JAVA_INT_UNALIGNED, offset)
                                    : in.get(ValueLayout.JAVA_INT_UNALIGNED, offset) & 0xffff_ffffL;
                    };
            return switch (javaBytes) {
                case 2 -> (Object) (short) v;
                case 4 -> (Object) (int) v;
                default -> (Object) v;
            };
        }
    }
}
