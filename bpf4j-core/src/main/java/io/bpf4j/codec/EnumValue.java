package io.bpf4j.codec;

/**
 * A value of a BTF enum: the enumerator's name and its number. A number no enumerator has (flags
 * or'ed together, a value newer than the BTF) keeps its number with an empty name.
 *
 * <pre>{@code
 * EnumValue c = (EnumValue) value.get("color");
 * if (c.is("RED")) ...
 * }</pre>
 *
 * @param name the enumerator's name, "" when no enumerator has this value
 * @param value the value, sign-extended for signed enums; an unsigned 64-bit enum's value at or
 *        above 2^63 is held as its bits (see {@link U64})
 */
public record EnumValue(String name, long value) {
    /**
     * Whether this is the enumerator named {@code enumerator}.
     *
     * @param enumerator an enumerator's name as the C enum declares it
     * @return true when the names are equal
     */
    public boolean is(String enumerator) {
        return name.equals(enumerator);
    }

    /** The name, or the number when no enumerator has it. */
    @Override
    public String toString() {
        return name.isEmpty() ? Long.toString(value) : name;
    }
}
