package io.bpf4j.btf;

import java.util.Objects;

/**
 * One type of one BTF blob: the blob and the type's id in it. BTF types name each other by id, so
 * a type is only meaningful together with its blob; this pair is how the object model hands out a
 * map's key and value type or a global variable's type.
 *
 * <pre>{@code
 * TypeRef value = spec.maps().get("counts").valueType().orElseThrow();
 * System.out.println(value.btf().cName(value.id()) + " of " + value.size() + " bytes");
 * }</pre>
 *
 * @param btf the blob that holds the type
 * @param id the type's id in {@code btf} (0 is void)
 */
public record TypeRef(Btf btf, int id) {

    /** Checks that {@code btf} is given and {@code id} names one of its types. */
    public TypeRef {
        Objects.requireNonNull(btf, "btf");
        if (id < 0 || id >= btf.firstOwnId() + btf.ownTypes().size()) {
            throw new IllegalArgumentException("type id " + id + " is not in " + btf);
        }
    }

    /** The type record. */
    public Type type() {
        return btf.type(id);
    }

    /** The type's name, "" when anonymous. */
    public String name() {
        return btf.name(id);
    }

    /**
     * The type's size in bytes, following typedefs and modifiers.
     *
     * @throws BtfException for a type without a size
     */
    public long size() {
        return btf.sizeof(id);
    }

    /** This type after typedefs, const, volatile, restrict and type tags. */
    public TypeRef resolved() {
        return new TypeRef(btf, btf.resolve(id));
    }

    /** The C spelling of the type, e.g. {@code struct event} or {@code __u32}. */
    public String cName() {
        return btf.cName(id);
    }

    @Override
    public String toString() {
        return "[" + id + "] " + btf.describe(id);
    }
}
