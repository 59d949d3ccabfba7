package io.bpf4j.codec;

import io.bpf4j.btf.TypeRef;
import java.lang.invoke.MethodHandles;

/**
 * Codecs for a Java type laid out as a BTF type: a record bound to a struct
 * ({@link RecordCodec#bind}), a boxed integer, {@code U64}, {@code Boolean}, {@code Float},
 * {@code Double} for a scalar that fits it, {@code String} or {@code byte[]} for a
 * {@code char[N]}, a Java enum for a C enum, or {@code Object}/{@link StructValue} for the dynamic
 * {@link BtfCodec}. What does not fit is refused here, naming both sides.
 *
 * <pre>{@code
 * Codec<Long> count = BtfCodecs.of(MethodHandles.lookup(), Long.class, valueType);   // a __u64
 * Codec<FlowKey> key = BtfCodecs.of(MethodHandles.lookup(), FlowKey.class, keyType); // a record
 * }</pre>
 */
public final class BtfCodecs {
    private BtfCodecs() {}

    /**
     * The codec of {@code type} laid out as {@code btfType}.
     *
     * @param <T> the Java type
     * @param lookup a lookup with access to {@code type}'s constructor and accessors (a record's
     *     canonical constructor)
     * @param type the Java type: a record mirroring a struct, a primitive wrapper, an array...
     * @param btfType the BTF type whose bytes the codec reads and writes
     * @return a codec of exactly {@code btfType}'s size
     * @throws IllegalArgumentException when {@code type} cannot hold {@code btfType}'s values
     */
    @SuppressWarnings("unchecked")
    public static <T> Codec<T> of(MethodHandles.Lookup lookup, Class<T> type, TypeRef btfType) {
        String where = type.getSimpleName() + " and " + btfType.cName();
        Codec<?> c = RecordBinder.codec(lookup, type, btfType, where, 0);
        long size = btfType.size();
        if (c.size() != size) {
            throw new IllegalArgumentException(where + ": " + c.size() + " bytes, the type has " + size);
        }
        return (Codec<T>) c;
    }

    /**
     * {@link #of(MethodHandles.Lookup, Class, TypeRef)} with public access only.
     *
     * @param <T> the Java type
     * @param type a public Java type with public members
     * @param btfType the BTF type whose bytes the codec reads and writes
     * @return a codec of exactly {@code btfType}'s size
     * @throws IllegalArgumentException when {@code type} cannot hold {@code btfType}'s values
     */
    public static <T> Codec<T> of(Class<T> type, TypeRef btfType) {
        return of(MethodHandles.publicLookup(), type, btfType);
    }
}
