package io.bpf4j.codec;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A codec for a Java record laid out like a C struct: each component is bound to a codec at an
 * offset, declared in C order with explicit padding where the struct has it.
 *
 * <pre>{@code
 * record Event(int pid, long ts, String comm) {}
 * // struct event { u32 pid; u32 pad; u64 ts; char comm[16]; };
 * Codec<Event> codec = RecordCodec.builder(MethodHandles.lookup(), Event.class)
 *         .field("pid", Codecs.s32()).pad(4)
 *         .field("ts", Codecs.s64())
 *         .field("comm", Codecs.string(16))
 *         .build();
 * }</pre>
 *
 * <p>The {@link MethodHandles.Lookup} must see the record (pass {@code MethodHandles.lookup()} from
 * the record's own code); a public record in an exported package also works with
 * {@link #builder(Class)}.
 *
 * <p>{@code build()} returns an instance of a hidden class spun for this one record layout, whose
 * {@code decode} holds the combined decoding method handle as a class constant: the JIT then
 * inlines the whole decode (field reads and constructor) into the caller, and each caller's call
 * site sees one class. The class cannot be subclassed outside this package.
 *
 * @param <R> the record type
 */
public class RecordCodec<R extends Record> implements Codec<R> {
    private final Class<R> type;
    private final int size;
    private final Field[] fields;
    /** (MemorySegment, long) -> Object: every field read and the constructor called, with no array or boxing for primitives. */
    private final MethodHandle decoder;

    private record Field(String name, Codec<Object> codec, long offset, MethodHandle accessor, int argIndex) {}

    /** What a codec is made of; handed to the spun subclass's constructor. */
    record Parts(
            Class<? extends Record> type, int size, Object fields, MethodHandle constructor, MethodHandle decoder) {}

    /** Only this package makes codecs (the spun subclass calls this). */
    @SuppressWarnings("unchecked")
    RecordCodec(Parts parts) {
        this.decoder = parts.decoder();
        this.type = (Class<R>) parts.type();
        this.size = parts.size();
        this.fields = (Field[]) parts.fields();
    }

    /** A builder for {@code type}, with public access only. */
    public static <R extends Record> Builder<R> builder(Class<R> type) {
        return new Builder<>(MethodHandles.publicLookup(), type);
    }

    /** A builder for {@code type} using the caller's access rights. */
    public static <R extends Record> Builder<R> builder(MethodHandles.Lookup lookup, Class<R> type) {
        return new Builder<>(lookup, type);
    }

    /**
     * A codec for {@code type} laid out as the BTF struct {@code struct}: each component is matched
     * to the member of the same name ({@code srcPort} matches {@code srcPort} or {@code src_port});
     * offsets and the size come from BTF; widths, signedness and array lengths are checked. Members
     * the record leaves out are read past and written as zeros.
     *
     * <pre>{@code
     * record Event(int pid, long ts, String comm) {}
     * RecordCodec<Event> codec = RecordCodec.bind(MethodHandles.lookup(), Event.class, btf, "event");
     * }</pre>
     *
     * <p>Components by C type: {@code byte/short/int/long} for integers at least as wide (an
     * unsigned member needs a wider Java type, except u64 which {@code long} holds as raw bits,
     * or {@link U64}); {@code boolean} for {@code bool}; {@code float/double}; {@code long} for
     * pointers; {@code String} or {@code byte[]} for {@code char[N]}; {@code byte[]},
     * {@code short[]}, {@code int[]}, {@code long[]} for integer arrays of that length; an array of
     * the element's Java type for other arrays ({@code Point[]}, {@code int[][]}, {@code String[]}); a Java
     * {@code enum} (constants by enumerator name; a value that is none of them reads as null, and
     * null writes 0), {@code int}/{@code long} or {@link EnumValue} for enums; a nested record for a nested struct; {@link StructValue} or {@code Object} for
     * any member (decoded as {@link BtfCodec} does).
     *
     * @throws IllegalArgumentException naming the record's component and the struct's member
     *         when they do not match (no such member, a width or signedness that does not fit, an
     *         array length, a bitfield, a nested type)
     * @throws java.util.NoSuchElementException when {@code btf} has no struct {@code struct}
     */
    public static <R extends Record> RecordCodec<R> bind(
            MethodHandles.Lookup lookup, Class<R> type, io.bpf4j.btf.Btf btf, String struct) {
        int id = btf.findId(struct, io.bpf4j.btf.Type.Struct.class)
                .or(() -> btf.findId(struct, io.bpf4j.btf.Type.Union.class))
                .orElseThrow(() -> new java.util.NoSuchElementException(
                        "cannot bind " + type.getSimpleName() + ": the BTF has no struct \"" + struct + "\""));
        return bind(lookup, type, new io.bpf4j.btf.TypeRef(btf, id));
    }

    /** {@link #bind(MethodHandles.Lookup, Class, io.bpf4j.btf.Btf, String)} to a struct type given by reference. */
    public static <R extends Record> RecordCodec<R> bind(
            MethodHandles.Lookup lookup, Class<R> type, io.bpf4j.btf.TypeRef struct) {
        return RecordBinder.bind(lookup, type, struct, 0);
    }

    /** {@link #bind(MethodHandles.Lookup, Class, io.bpf4j.btf.TypeRef)} for a public record of an exported package. */
    public static <R extends Record> RecordCodec<R> bind(Class<R> type, io.bpf4j.btf.TypeRef struct) {
        return bind(MethodHandles.publicLookup(), type, struct);
    }

    @Override
    public int size() {
        return size;
    }

    /** The record class this codec makes. */
    public Class<R> type() {
        return type;
    }

    @Override
    public void encode(R value, MemorySegment out, long offset) {
        Objects.requireNonNull(value, "value");
        // Padding is zeroed so equal records give equal bytes (keys must compare equal in the kernel).
        out.asSlice(offset, size).fill((byte) 0);
        for (Field f : fields) {
            Object v;
            try {
                v = (Object) f.accessor.invokeExact((Object) value);
            } catch (Throwable t) {
                throw new IllegalStateException("cannot read component " + f.name + " of " + type.getName(), t);
            }
            f.codec.encode(v, out, offset + f.offset);
        }
    }

    /** Decodes through the combined handle held in a field (the spun subclass overrides this with a constant one). */
    @Override
    public R decode(MemorySegment in, long offset) {
        try {
            return type.cast((Object) decoder.invokeExact(in, offset));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot construct " + type.getName(), t);
        }
    }

    private static final MethodHandle ADD;
    private static final MethodHandle DECODE;
    private static final MethodHandle SLICE;

    static {
        try {
            ADD = MethodHandles.lookup()
                    .findStatic(RecordCodec.class, "add", MethodType.methodType(long.class, long.class, long.class));
            DECODE = MethodHandles.publicLookup()
                    .findVirtual(
                            Codec.class,
                            "decode",
                            MethodType.methodType(Object.class, MemorySegment.class, long.class));
            SLICE = MethodHandles.publicLookup()
                    .findVirtual(
                            MemorySegment.class,
                            "asSlice",
                            MethodType.methodType(MemorySegment.class, long.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("UnusedMethod") // found by name through MethodHandles.lookup() above
    private static long add(long base, long offset) {
        return base + offset;
    }

    /**
     * One method handle {@code (MemorySegment, long base) -> Object} that reads every component at
     * base + its offset and calls the canonical constructor: primitive components go straight from
     * the segment to the constructor (no boxing, no argument array).
     */
    private static MethodHandle decoder(MethodHandle ctor, Class<?>[] params, Field[] fields) {
        MethodHandle[] readers = new MethodHandle[params.length];
        for (Field f : fields) {
            MethodHandle read = f.codec instanceof Codecs.Direct d ? d.decodeHandle() : DECODE.bindTo(f.codec);
            read = MethodHandles.filterArguments(read, 1, MethodHandles.insertArguments(ADD, 1, f.offset));
            readers[f.argIndex] =
                    read.asType(MethodType.methodType(params[f.argIndex], MemorySegment.class, long.class));
        }
        MethodHandle mh = ctor;
        for (int i = params.length - 1; i >= 0; i--) {
            mh = MethodHandles.collectArguments(mh, i, readers[i]); // arg i becomes (segment, base)
        }
        int[] reorder = new int[2 * params.length];
        for (int i = 0; i < params.length; i++) {
            reorder[2 * i] = 0;
            reorder[2 * i + 1] = 1;
        }
        mh = MethodHandles.permuteArguments(
                mh, MethodType.methodType(ctor.type().returnType(), MemorySegment.class, long.class), reorder);
        // Read from a slice of constant length covering the fields: one bounds check for the whole
        // record, after which the JIT folds every field's check against that constant away.
        long span = 0;
        for (Field f : fields) {
            span = Math.max(span, f.offset + f.codec.size());
        }
        mh = MethodHandles.insertArguments(mh, 1, 0L);
        mh = MethodHandles.collectArguments(mh, 0, MethodHandles.insertArguments(SLICE, 2, span));
        return mh.asType(MethodType.methodType(Object.class, MemorySegment.class, long.class));
    }

    /** Builder of a {@link RecordCodec}: fields in C order, padding, and the struct's total size. */
    public static final class Builder<R extends Record> {
        private final MethodHandles.Lookup lookup;
        private final Class<R> type;
        private final Map<String, RecordComponent> components = new LinkedHashMap<>();
        private final Map<String, Object[]> bound = new LinkedHashMap<>();
        private long offset;
        private long totalSize = -1;

        private Builder(MethodHandles.Lookup lookup, Class<R> type) {
            this.lookup = Objects.requireNonNull(lookup);
            this.type = Objects.requireNonNull(type);
            if (!type.isRecord()) {
                throw new IllegalArgumentException(type.getName() + " is not a record");
            }
            for (RecordComponent c : type.getRecordComponents()) {
                components.put(c.getName(), c);
            }
        }

        /** The next field: record component {@code name}, encoded by {@code codec} at the current offset. */
        public Builder<R> field(String name, Codec<?> codec) {
            RecordComponent c = components.get(name);
            if (c == null) {
                throw new IllegalArgumentException(
                        type.getSimpleName() + " has no component \"" + name + "\"; it has " + components.keySet());
            }
            if (bound.containsKey(name)) {
                throw new IllegalArgumentException("component \"" + name + "\" is bound twice");
            }
            bound.put(name, new Object[] {codec, offset});
            offset += codec.size();
            return this;
        }

        /** The next field at an absolute offset (bound from BTF, where offsets are given). */
        Builder<R> fieldAt(String name, Codec<?> codec, long at) {
            offset = at;
            return field(name, codec);
        }

        /** {@code n} bytes of padding after the previous field. */
        public Builder<R> pad(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative padding " + n);
            }
            offset += n;
            return this;
        }

        /** Pads up to a multiple of {@code alignment} (as a C compiler does before an aligned field). */
        public Builder<R> align(int alignment) {
            if (Integer.bitCount(alignment) != 1) {
                throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
            }
            offset = (offset + alignment - 1) & -alignment;
            return this;
        }

        /** The struct's whole size (trailing padding); defaults to the end of the last field. */
        public Builder<R> size(int bytes) {
            totalSize = bytes;
            return this;
        }

        /** The codec; every component must be bound. */
        @SuppressWarnings("unchecked")
        public RecordCodec<R> build() {
            List<String> missing = new ArrayList<>(components.keySet());
            missing.removeAll(bound.keySet());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(type.getSimpleName() + ": components without a field: " + missing);
            }
            long size = totalSize < 0 ? offset : totalSize;
            if (size < offset) {
                throw new IllegalArgumentException(
                        type.getSimpleName() + ": size " + size + " is smaller than its fields (" + offset + " bytes)");
            }
            List<String> order = new ArrayList<>(components.keySet());
            Field[] fields = new Field[bound.size()];
            int i = 0;
            try {
                for (Map.Entry<String, Object[]> e : bound.entrySet()) {
                    RecordComponent c = components.get(e.getKey());
                    // Typed (Object)Object so that encode can use invokeExact, the fast call path.
                    MethodHandle acc =
                            lookup.unreflect(c.getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
                    fields[i++] = new Field(
                            e.getKey(),
                            (Codec<Object>) e.getValue()[0],
                            (long) e.getValue()[1],
                            acc,
                            order.indexOf(e.getKey()));
                }
                Class<?>[] params = Arrays.stream(type.getRecordComponents())
                        .map(RecordComponent::getType)
                        .toArray(Class<?>[]::new);
                MethodHandle plain = lookup.findConstructor(type, MethodType.methodType(void.class, params));
                MethodHandle ctor = plain.asSpreader(Object[].class, params.length)
                        .asType(MethodType.methodType(Object.class, Object[].class));
                MethodHandle decoder = decoder(plain, params, fields);
                return RecordCodecClass.instantiate(new Parts(type, Math.toIntExact(size), fields, ctor, decoder));
            } catch (IllegalAccessException | NoSuchMethodException e) {
                throw new IllegalArgumentException(
                        "cannot access record " + type.getName()
                                + ": pass MethodHandles.lookup() from code that can see it",
                        e);
            }
        }
    }
}
