package io.bpf4j;

import io.bpf4j.btf.CoreTypes;
import java.nio.charset.StandardCharsets;

/**
 * Typed values for {@code const volatile} globals ({@code .rodata}) set before load, checked
 * against the variable's BTF type so that a wrong Java type or an out-of-range number is
 * refused with the variable's name instead of silently mis-written.
 *
 * <pre>{@code
 * // const volatile __u32 verdict = XDP_PASS;
 * byte[] bytes = Constants.encode(btf, varId, 1);   // Integer fits a 4-byte int
 * }</pre>
 */
final class Constants {
    private Constants() {
    }

    /**
     * The little-endian bytes of {@code value} for the BTF VAR {@code varId}.
     *
     * @throws IllegalArgumentException naming the variable, its C type and what was wrong
     */
    static byte[] encode(CoreTypes btf, int varId, Object value) {
        String name = btf.name(varId);
        int t = btf.skipModsAndTypedefs(btf.ref(varId));
        int size = (int) btf.resolveSize(t);
        int kind = btf.kind(t);
        if (kind == CoreTypes.ARRAY) {
            byte[] raw = value instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
                    : value instanceof byte[] b ? b : null;
            if (raw == null) {
                throw bad(name, "an array of " + size + " bytes", value, "give a String or byte[]");
            }
            int room = value instanceof String ? size - 1 : size; // a string keeps its NUL
            if (raw.length > room) {
                throw bad(name, "an array of " + size + " bytes", value, raw.length + " bytes do not fit");
            }
            byte[] out = new byte[size];
            System.arraycopy(raw, 0, out, 0, raw.length);
            return out;
        }
        if (kind == CoreTypes.INT && (btf.name(t).equals("_Bool") || btf.name(t).equals("bool"))) {
            if (!(value instanceof Boolean b)) {
                throw bad(name, "bool", value, "give a Boolean");
            }
            return new byte[] {(byte) (b ? 1 : 0)};
        }
        if (kind != CoreTypes.INT && !btf.isEnum(t)) {
            throw bad(name, "a type of BTF kind " + kind, value, "only integers, enums, bools and arrays can be set");
        }
        if (!(value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long)) {
            throw bad(name, size + "-byte integer", value, "give an integral Number");
        }
        long v = ((Number) value).longValue();
        boolean signed = kind == CoreTypes.INT ? btf.intSigned(t) : btf.enumSigned(t);
        if (size < 8) {
            long min = signed ? -(1L << (size * 8 - 1)) : 0;
            long max = signed ? (1L << (size * 8 - 1)) - 1 : (1L << (size * 8)) - 1;
            if (v < min || v > max) {
                throw bad(name, size + "-byte " + (signed ? "signed" : "unsigned") + " integer", value,
                        "out of range " + min + ".." + max);
            }
        } else if (!signed && v < 0 && !(value instanceof Long)) {
            throw bad(name, "8-byte unsigned integer", value, "negative");
        }
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    private static IllegalArgumentException bad(String var, String type, Object value, String why) {
        return new IllegalArgumentException("constant " + var + " is " + type + ": cannot set it to " + value
                + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")") + ": " + why);
    }
}
