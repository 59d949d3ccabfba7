package io.bpf4j;

import io.bpf4j.btf.TypeRef;
import java.util.Arrays;
import java.util.Objects;

/**
 * A global variable of an object: where it lives in its data section's map, its BTF type and its
 * initial bytes (zeros for {@code .bss}). Set one before load with
 * {@link ObjectSpec#withConstant(String, Object)}.
 *
 * <pre>{@code
 * VariableSpec v = spec.variables().get("target_pid");
 * System.out.println(v.section() + "+" + v.offset() + " " + v.type().cName() + " = " + v.longValue());
 * }</pre>
 *
 * @param name the variable's name
 * @param section its data section ({@code .data}, {@code .rodata}, {@code .bss}, {@code .data.custom}, ...)
 * @param offset its byte offset in the section (and in the section map's value)
 * @param size its size in bytes
 * @param type its BTF type (the VAR's type: a typedef, struct, int, ...)
 * @param readOnly true for {@code .rodata*}: programs cannot write it and it is frozen at load
 * @param isStatic a {@code static} variable (BTF linkage static), not visible to other objects
 * @param value its initial bytes as the file holds them: {@code size} bytes, or none for a
 *        variable of {@code .bss} (whose bytes are zeros the file does not store)
 */
public record VariableSpec(
        String name,
        String section,
        int offset,
        int size,
        TypeRef type,
        boolean readOnly,
        boolean isStatic,
        byte[] value) {
    /** Checks the value's length and copies it. */
    public VariableSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(type, "type");
        if (value.length != size && value.length != 0) {
            throw new IllegalArgumentException(
                    "variable " + name + ": " + value.length + " bytes for a size of " + size);
        }
        value = value.clone();
    }

    /** A copy of the initial bytes (empty for a {@code .bss} variable: zeros). */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /**
     * The initial value as a little-endian integer (sign-extended when the BTF integer or enum is
     * signed), for variables of 1, 2, 4 or 8 bytes.
     *
     * @throws IllegalStateException for other sizes
     */
    public long longValue() {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalStateException("variable " + name + " is " + size + " bytes, not an integer");
        }
        long v = 0;
        for (int i = value.length - 1; i >= 0; i--) {
            v = (v << 8) | (value[i] & 0xff);
        }
        boolean signed =
                switch (type.resolved().type()) {
                    case io.bpf4j.btf.Type.Int i -> i.signed();
                    case io.bpf4j.btf.Type.Enum e -> e.signed();
                    case io.bpf4j.btf.Type.Enum64 e -> e.signed();
                    default -> false;
                };
        return signed && size < 8 ? (v << (64 - 8 * size)) >> (64 - 8 * size) : v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VariableSpec v
                && name.equals(v.name)
                && section.equals(v.section)
                && offset == v.offset
                && size == v.size
                && type.id() == v.type.id()
                && readOnly == v.readOnly
                && isStatic == v.isStatic
                && Arrays.equals(value, v.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, section, offset, size, type.id(), readOnly, isStatic, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return "VariableSpec[" + name + " " + type.cName() + " at " + section + "+" + offset + ", " + size + " B"
                + (readOnly ? ", read-only" : "") + "]";
    }
}
