package io.bpf4j.codec;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.Type;
import io.bpf4j.btf.TypeRef;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A codec for any BTF type with a value: the layout comes from BTF, so nothing is written by
 * hand. Values decode to plain Java objects, by C type:
 * <ul>
 * <li>struct, union, data section → {@link StructValue} (anonymous members reached by their own names)
 * <li>signed integers → {@code Byte}, {@code Short}, {@code Integer}, {@code Long} by width;
 *     unsigned ones widen so none is negative: u8 and u16 → {@code Integer}, u32 → {@code Long},
 *     u64 → {@link U64} (prints and compares unsigned; {@code longValue()} is the raw bits);
 *     128-bit → {@code BigInteger}; {@code bool} → {@code Boolean}
 * <li>bitfields → as their declared integer or enum type, sign-extended when signed
 * <li>{@code char[N]} → {@code String} up to the first NUL (UTF-8); other arrays → an unmodifiable
 *     {@code List}
 * <li>enums (32 and 64-bit) → {@link EnumValue} (name and value)
 * <li>pointers → {@code Long} addresses; {@code float}/{@code double} → {@code Float}/{@code Double}
 * </ul>
 * Encoding takes the same values back, or a {@code Map} of member names for a struct (members not
 * named are zero), lists or Java arrays for arrays, enumerator names or numbers for enums, any
 * integral {@code Number} in range (a u64 at or above 2^63 as {@link U64} or {@code BigInteger}:
 * a negative {@code Long} is refused rather than taken as bits), and {@code "0x..."} strings for
 * integers. Every value is range-checked; a string too long for its array, a list of the wrong
 * length or an unknown member is an {@link IllegalArgumentException} naming the path.
 *
 * <pre>{@code
 * BtfCodec codec = BtfCodec.struct(btf, "event");
 * StructValue e = (StructValue) codec.decode(record, 0);
 * byte[] back = codec.toBytes(e.with("pid", 7));
 * byte[] fromJson = codec.toBytes(codec.fromJson("{\"pid\":7,\"comm\":\"bash\"}"));
 * String json = codec.toJson(back);           // bpftool -j's formatting
 * }</pre>
 */
public final class BtfCodec implements Codec<Object> {
    private final TypeRef type;
    private final BtfNode node;

    private BtfCodec(TypeRef type, BtfNode node) {
        this.type = type;
        this.node = node;
    }

    /**
     * The codec of {@code type}.
     *
     * @throws BtfException when the type has no value layout (void, a forward declaration, a
     *         function), or its layout is inconsistent (a member past its struct's end, a data
     *         section whose offsets were not fixed up)
     */
    public static BtfCodec of(TypeRef type) {
        return new BtfCodec(type, BtfNode.build(type.btf(), type.id()));
    }

    /** The codec of type {@code typeId} of {@code btf}. */
    public static BtfCodec of(Btf btf, int typeId) {
        return of(new TypeRef(btf, typeId));
    }

    /**
     * The codec of {@code struct name} (or a union of that name) of {@code btf}.
     *
     * @throws java.util.NoSuchElementException when {@code btf} has neither
     */
    public static BtfCodec struct(Btf btf, String name) {
        Objects.requireNonNull(name, "name");
        int id = btf.findId(name, Type.Struct.class)
                .or(() -> btf.findId(name, Type.Union.class))
                .orElseThrow(
                        () -> new java.util.NoSuchElementException("the BTF has no struct or union \"" + name + "\""));
        return of(btf, id);
    }

    /** The BTF type this codec reads and writes. */
    public TypeRef type() {
        return type;
    }

    @Override
    public int size() {
        return node.size();
    }

    @Override
    public void encode(Object value, MemorySegment out, long offset) {
        check(out, offset);
        node.encode(value, out, offset, node.cName());
    }

    @Override
    public Object decode(MemorySegment in, long offset) {
        check(in, offset);
        return node.decode(in, offset);
    }

    /** {@link #decode} of a struct or union type. */
    public StructValue decodeStruct(MemorySegment in, long offset) {
        if (!(node instanceof BtfNode.StructNode)) {
            throw new IllegalStateException(node.cName() + " is not a struct or union");
        }
        return (StructValue) decode(in, offset);
    }

    /**
     * Writes only the leaves {@code partial} names (a {@code Map} of members, nested maps for
     * nested structs) over the bytes already at {@code offset}; every other byte stays. Nothing
     * is checked before writing: to make a patch all-or-nothing, patch a copy and copy it back.
     */
    public void patch(Object partial, MemorySegment out, long offset) {
        check(out, offset);
        node.patch(partial, out, offset, node.cName());
    }

    /** The JSON of the value at {@code offset}, formatted as {@code bpftool -j map dump} formats BTF values. */
    public String toJson(MemorySegment in, long offset) {
        check(in, offset);
        StringBuilder sb = new StringBuilder();
        node.json(sb, in, offset);
        return sb.toString();
    }

    /** {@link #toJson(MemorySegment, long)} of a value's bytes (exactly {@link #size()} of them). */
    public String toJson(byte[] bytes) {
        if (bytes.length != size()) {
            throw new IllegalArgumentException(node.cName() + " is " + size() + " bytes, got " + bytes.length);
        }
        return toJson(MemorySegment.ofArray(bytes), 0);
    }

    /** The JSON of a Java value of this type (encoded, then printed). */
    public String toJsonOf(Object value) {
        return toJson(toBytes(value));
    }

    /**
     * The value of JSON text: objects for structs, arrays, strings for {@code char[]} and enum
     * names, numbers (or bpftool's {@code "0x..."} bitfields). bpftool's {@code -j} output of a
     * value parses back.
     *
     * @throws IllegalArgumentException for bad JSON or a value that does not fit the type
     */
    public Object fromJson(String json) {
        return fromBytes(toBytes(Json.parse(json)));
    }

    @Override
    public Object fromBytes(byte[] bytes) {
        if (bytes.length != size()) {
            throw new IllegalArgumentException(node.cName() + " is " + size() + " bytes, got " + bytes.length);
        }
        return decode(MemorySegment.ofArray(bytes), 0);
    }

    private void check(MemorySegment s, long offset) {
        if (offset < 0 || s.byteSize() - offset < node.size()) {
            throw new IllegalArgumentException(node.cName() + " needs " + node.size() + " bytes at offset " + offset
                    + ", the buffer has " + s.byteSize());
        }
    }

    @Override
    public String toString() {
        return "BtfCodec[" + type + "]";
    }
}
