package io.bpf4j.btf;

/**
 * The view of a BTF type graph that the CO-RE relocator needs: kinds, names, sizes, members,
 * enumerators, array and pointer targets, by type id. Kept this narrow so that any BTF model
 * ({@link Btf} reads it straight from the record bytes) can back it.
 *
 * <pre>{@code
 * CoreTypes kernel = KernelBtf.vmlinux();
 * int id = kernel.idsNamed("task_struct").get(0);
 * }</pre>
 */
public interface CoreTypes {
    // BTF_KIND_* numbers (linux/btf.h)
    int VOID = 0;
    int INT = 1;
    int PTR = 2;
    int ARRAY = 3;
    int STRUCT = 4;
    int UNION = 5;
    int ENUM = 6;
    int FWD = 7;
    int TYPEDEF = 8;
    int VOLATILE = 9;
    int CONST = 10;
    int RESTRICT = 11;
    int FUNC = 12;
    int FUNC_PROTO = 13;
    int VAR = 14;
    int DATASEC = 15;
    int FLOAT = 16;
    int DECL_TAG = 17;
    int TYPE_TAG = 18;
    int ENUM64 = 19;

    /** One past the largest type id (id 0 is void). */
    int typeCount();

    /** The BTF_KIND_* of a type (VOID for id 0). */
    int kind(int id);

    /** The type's name, "" when anonymous. */
    String name(int id);

    /** Byte size of an INT, STRUCT, UNION, ENUM, ENUM64, FLOAT or DATASEC. */
    int size(int id);

    /** The referenced type of a PTR, TYPEDEF, modifier, TYPE_TAG, FUNC, VAR or the return type of a FUNC_PROTO. */
    int ref(int id);

    /** Element type of an ARRAY. */
    int arrayElement(int id);

    /** Element count of an ARRAY. */
    int arrayLength(int id);

    /** Members of a STRUCT/UNION, enumerators of an ENUM/ENUM64, parameters of a FUNC_PROTO. */
    int vlen(int id);

    /** Name of member, enumerator or parameter {@code i}. */
    String memberName(int id, int i);

    /** Type of member or parameter {@code i}, or the VAR of a DATASEC entry. */
    int memberType(int id, int i);

    /** Bit offset of member {@code i} of a STRUCT/UNION. */
    int memberBitOffset(int id, int i);

    /** Bitfield size of member {@code i} (0 when it is not a bitfield). */
    int memberBitfieldSize(int id, int i);

    /** Value of enumerator {@code i} of an ENUM (sign per {@link #enumSigned}) or ENUM64. */
    long enumValue(int id, int i);

    /** Whether an ENUM/ENUM64 is signed (the kflag). */
    boolean enumSigned(int id);

    /** Whether an INT is signed. */
    boolean intSigned(int id);

    /** The bit offset an INT carries in its encoding (legacy bitfield ints; normally 0). */
    int intBitOffset(int id);

    /** Every type id with this exact name. */
    java.util.List<Integer> idsNamed(String name);

    /** Ids of every type whose name, without a {@code ___flavor} suffix, equals {@code essentialName}. */
    java.util.List<Integer> idsWithEssentialName(String essentialName);

    /** The type after skipping typedefs, const/volatile/restrict and type tags. */
    default int skipModsAndTypedefs(int id) {
        for (int guard = 0; guard < 64; guard++) {
            int k = kind(id);
            if (k != TYPEDEF && k != VOLATILE && k != CONST && k != RESTRICT && k != TYPE_TAG) {
                return id;
            }
            id = ref(id);
        }
        throw new BtfException("type chain too long at id " + id + ": a reference cycle through typedefs/modifiers");
    }

    /** True for STRUCT and UNION. */
    default boolean isComposite(int id) {
        int k = kind(id);
        return k == STRUCT || k == UNION;
    }

    /** True for ENUM and ENUM64. */
    default boolean isEnum(int id) {
        int k = kind(id);
        return k == ENUM || k == ENUM64;
    }

    /**
     * The size of a type in bytes, following typedefs and modifiers; arrays multiply, pointers
     * are 8 bytes (BPF is 64-bit).
     *
     * @throws IllegalArgumentException for a type without a size (void, func, fwd)
     */
    default long resolveSize(int id) {
        long mult = 1;
        for (int guard = 0; guard < 64; guard++) {
            switch (kind(id)) {
                case INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC -> {
                    return mult * size(id);
                }
                case PTR -> {
                    return mult * 8;
                }
                case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, VAR -> id = ref(id);
                case ARRAY -> {
                    mult *= arrayLength(id);
                    id = arrayElement(id);
                }
                default ->
                    throw new IllegalArgumentException(
                            "type [" + id + "] " + name(id) + " of kind " + kind(id) + " has no size");
            }
        }
        throw new BtfException(
                "type chain too long at id " + id + ": a reference cycle through typedefs/modifiers/arrays");
    }

    /** A name without its {@code ___flavor} suffix (libbpf's essential name). */
    static String essentialName(String name) {
        int i = name.lastIndexOf("___");
        return i > 0 ? name.substring(0, i) : name;
    }
}
