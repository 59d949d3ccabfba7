package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Typed values for globals set before load ({@code const volatile} in {@code .rodata}, or
 * {@code .data}), checked against the variable's BTF type so that a wrong Java type or an
 * out-of-range number is refused with the variable's name and C type instead of silently
 * mis-written.
 *
 * <p>What each C type takes: integers an integral {@code Number} in range (an 8-byte unsigned
 * one also a negative {@code Long}, read as its two's-complement bits); {@code bool} a
 * {@code Boolean}; an enum a {@code Number} or the name of one of its values; {@code char[N]} a
 * {@code String} of at most N-1 UTF-8 bytes; any array, struct or union a {@code byte[]} of its
 * exact size; a struct or union also a {@code Map} from member names to values (members not named
 * stay zero).
 *
 * <pre>{@code
 * // const volatile __u32 verdict = XDP_PASS;
 * byte[] bytes = Constants.encode(btf, varId, 1);   // Integer fits a 4-byte int
 * }</pre>
 */
final class Constants {
    private static final int MAX_DEPTH = 64;

    private Constants() {}

    /**
     * The little-endian bytes of {@code value} for the BTF VAR {@code varId}.
     *
     * @throws IllegalArgumentException naming the variable, its C type and what was wrong
     */
    static byte[] encode(Btf btf, int varId, Object value) {
        String name = btf.name(varId);
        int t = btf.ref(varId);
        byte[] out = new byte[Math.toIntExact(btf.sizeof(t))];
        put(btf, t, name, value, out, 0, 0);
        return out;
    }

    /** The little-endian bytes of {@code value} for BTF type {@code typeId}; {@code name} names it in errors. */
    static byte[] encodeType(Btf btf, int typeId, String name, Object value) {
        byte[] out = new byte[Math.toIntExact(btf.sizeof(typeId))];
        put(btf, typeId, name, value, out, 0, 0);
        return out;
    }

    private static void put(Btf btf, int typeId, String name, Object value, byte[] out, int at, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("constant " + name + ": its type nests deeper than " + MAX_DEPTH);
        }
        int t = btf.resolve(typeId);
        Type type = btf.type(t);
        String cType = btf.cName(typeId);
        int size = Math.toIntExact(btf.sizeof(t));
        if (value instanceof byte[] raw
                && (type instanceof Type.Array || type instanceof Type.Struct || type instanceof Type.Union)) {
            if (raw.length != size) {
                throw bad(name, cType, value, "a byte[] must have exactly its " + size + " bytes, has " + raw.length);
            }
            System.arraycopy(raw, 0, out, at, size);
            return;
        }
        switch (type) {
            case Type.Array a -> {
                int elem = btf.resolve(a.elementId());
                boolean chars = btf.type(elem) instanceof Type.Int i && i.size() == 1;
                if (!(chars && value instanceof String s)) {
                    throw bad(
                            name,
                            cType,
                            value,
                            chars ? "give a String or byte[]" : "give a byte[] of " + size + " bytes");
                }
                byte[] raw = s.getBytes(StandardCharsets.UTF_8);
                if (raw.length > size - 1) { // a string keeps its NUL
                    throw bad(name, cType, value, raw.length + " bytes and a NUL do not fit " + size);
                }
                System.arraycopy(raw, 0, out, at, raw.length);
            }
            case Type.Struct st -> putMembers(btf, st.members(), name, cType, value, out, at, depth);
            case Type.Union u -> putMembers(btf, u.members(), name, cType, value, out, at, depth);
            case Type.Int i
            when i.isBool() || i.name().equals("_Bool") || i.name().equals("bool") -> {
                if (!(value instanceof Boolean b)) {
                    throw bad(name, cType, value, "give a Boolean");
                }
                out[at] = (byte) (b ? 1 : 0);
            }
            case Type.Int i -> putInt(name, cType, value, i.signed(), size, out, at);
            case Type.Enum e ->
                putInt(name, cType, enumValue(e.values(), name, cType, value), e.signed(), size, out, at);
            case Type.Enum64 e ->
                putInt(name, cType, enumValue(e.values(), name, cType, value), e.signed(), size, out, at);
            default ->
                throw bad(name, cType, value, "only integers, enums, bools, arrays, structs and unions can be set");
        }
    }

    /** An enum value given by name becomes its number; a number stays as it is. */
    private static Object enumValue(java.util.List<Type.Enumerator> values, String name, String cType, Object value) {
        if (!(value instanceof String s)) {
            return value;
        }
        return values.stream()
                .filter(x -> x.name().equals(s))
                .findFirst()
                .map(x -> (Object) x.value())
                .orElseThrow(() -> bad(
                        name,
                        cType,
                        value,
                        "it has no value " + s + "; its values are "
                                + values.stream().map(Type.Enumerator::name).toList()));
    }

    private static void putMembers(
            Btf btf,
            java.util.List<Type.Member> members,
            String name,
            String cType,
            Object value,
            byte[] out,
            int at,
            int depth) {
        if (!(value instanceof Map<?, ?> fields)) {
            throw bad(name, cType, value, "give a Map of member names to values, or a byte[]");
        }
        for (Map.Entry<?, ?> f : fields.entrySet()) {
            Type.Member m = members.stream()
                    .filter(x -> x.name().equals(f.getKey()))
                    .findFirst()
                    .orElseThrow(() -> bad(
                            name,
                            cType,
                            value,
                            "it has no member " + f.getKey() + "; its members are "
                                    + members.stream().map(Type.Member::name).toList()));
            if (m.bitfieldSize() != 0 || m.bitOffset() % 8 != 0) {
                throw bad(
                        name + "." + m.name(),
                        "a bitfield",
                        f.getValue(),
                        "bitfields cannot be set by name; give a byte[]");
            }
            put(btf, m.typeId(), name + "." + m.name(), f.getValue(), out, at + m.bitOffset() / 8, depth + 1);
        }
    }

    private static void putInt(String name, String cType, Object value, boolean signed, int size, byte[] out, int at) {
        if (!(value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long)) {
            throw bad(name, cType, value, "give an integral Number");
        }
        long v = ((Number) value).longValue();
        if (size < 8) {
            long min = signed ? -(1L << (size * 8 - 1)) : 0;
            long max = signed ? (1L << (size * 8 - 1)) - 1 : (1L << (size * 8)) - 1;
            if (v < min || v > max) {
                throw bad(
                        name,
                        size + "-byte " + (signed ? "signed" : "unsigned") + " " + cType,
                        value,
                        "out of range " + min + ".." + max);
            }
        } else if (!signed && v < 0 && !(value instanceof Long)) {
            throw bad(name, "8-byte unsigned " + cType, value, "negative");
        }
        for (int i = 0; i < size; i++) {
            out[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static IllegalArgumentException bad(String var, String type, Object value, String why) {
        return new IllegalArgumentException("constant " + var + " is " + type + ": cannot set it to " + value
                + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")") + ": " + why);
    }
}
