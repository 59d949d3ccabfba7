package io.bpf4j.btf;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code .BTF} blob: types by id, lookups by name, and the sizes, alignments and C names
 * of types. Immutable and thread-safe.
 *
 * <p>Parsing checks the whole blob and indexes where each record starts, but decodes nothing:
 * {@link #type(int)} decodes a record into a {@link Type} on first use (and keeps it), while the
 * {@link CoreTypes} queries ({@link #kind(int)}, {@link #memberType(int, int)}, ...) read the
 * record's bytes directly. Name lookups scan the records' name offsets at first and build a hash
 * index once a blob is asked often. So parsing the kernel's ~130,000 types costs about what
 * libbpf's {@code btf__parse} does, and a blob holds little more than its own bytes.
 *
 * <p>Split BTF (kernel modules) continues the ids and the string offsets of a base BTF;
 * {@link #parse(byte[], Btf)} reads it and every query answers for base ids too.
 *
 * <pre>{@code
 * Btf btf = Btf.parse(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
 * int task = btf.findId("task_struct", Type.Struct.class).orElseThrow();
 * long size = btf.sizeof(task);
 * }</pre>
 */
public final class Btf implements CoreTypes {
    static final int MAGIC = 0xeB9F;
    static final int HEADER_MIN = 24;
    /** The deepest typedef/modifier/array chain followed before calling it hostile. */
    private static final int MAX_CHAIN = 1024;

    private static final Type.Void VOID_TYPE = new Type.Void();

    private final Btf base;
    private final int firstId;
    /** The blob (our copy); {@code offsets[i]} is where the record of id {@code firstId + i} starts in it. */
    private final byte[] data;

    private final int[] offsets;
    /** Where the string section starts in {@code data}, and its length (split BTF: offsets continue the base's). */
    private final int strStart;

    private final int strLen;
    private final int baseStrLen;
    /** Records decoded so far, made on the first decode. Racy on purpose: Types are immutable, a lost race decodes twice. */
    private volatile Type[] decoded;

    private final BtfNames names;

    Btf(Btf base, int firstId, byte[] data, int[] offsets, int strStart, int strLen) {
        this.base = base;
        this.firstId = firstId;
        this.data = data;
        this.offsets = offsets;
        this.strStart = strStart;
        this.strLen = strLen;
        this.baseStrLen = base == null ? 0 : base.stringsLength();
        this.names = new BtfNames(this);
    }

    /**
     * Parses a standalone {@code .BTF} blob (an object's section or {@code /sys/kernel/btf/vmlinux}).
     * The bytes are copied; the array may be reused afterwards.
     *
     * @throws BtfException when the blob is not little-endian BTF or anything in it is out of
     *         bounds, unknown, dangling or cyclic; the message names the offset or type id
     */
    public static Btf parse(byte[] btf) {
        return parse(btf, null);
    }

    /**
     * Parses split BTF whose type ids and string offsets continue {@code base} (module BTF
     * against vmlinux). With a null base this is {@link #parse(byte[])}.
     *
     * @throws BtfException as {@link #parse(byte[])}
     */
    public static Btf parse(byte[] btf, Btf base) {
        return new BtfReader(btf, base).read();
    }

    /**
     * A standalone blob of these types (ids from 1), written and parsed back so it is checked like
     * any other; how a loader builds the BTF it gives the kernel from edited types.
     *
     * <pre>{@code
     * List<Type> types = new ArrayList<>(btf.types());
     * types.set(id - 1, new Type.Func(name, protoId, Type.Linkage.STATIC));
     * Btf edited = Btf.of(types);
     * }</pre>
     *
     * @throws BtfException when the types do not form valid BTF
     */
    public static Btf of(List<Type> types) {
        return of(null, types);
    }

    /** This blob's own types in id order (from {@link #firstOwnId()}), decoded as they are read. */
    public List<Type> types() {
        return java.util.Collections.unmodifiableList(ownTypes());
    }

    /** A blob of these types (ids from the base's count, or 1), written and parsed back, so it is checked like any other. */
    static Btf of(Btf base, List<Type> ownTypes) {
        return parse(BtfWriter.write(base, ownTypes, java.util.Set.of()), base);
    }

    /** The base BTF of split BTF. */
    public Optional<Btf> base() {
        return Optional.ofNullable(base);
    }

    /** One past the largest type id (id 0, void, counts): ids {@code 0 .. typeCount()-1} are valid. */
    @Override
    public int typeCount() {
        return firstId + offsets.length;
    }

    /** The first id this blob defines (1, or the base's type count for split BTF). */
    public int firstOwnId() {
        return firstId;
    }

    /** The type with this id, decoded on first use; 0 is {@link Type.Void}. */
    public Type type(int id) {
        int i = id - firstId;
        if (i >= 0 && i < offsets.length) {
            Type[] cache = decoded;
            if (cache == null) {
                cache = decodedCache();
            }
            Type t = cache[i];
            if (t == null) {
                t = TypeDecoder.decode(this, offsets[i]);
                cache[i] = t;
            }
            return t;
        }
        if (id == 0) {
            return VOID_TYPE;
        }
        if (base != null && id > 0 && id < firstId) {
            return base.type(id);
        }
        throw outOfRange(id);
    }

    private synchronized Type[] decodedCache() {
        Type[] cache = decoded;
        if (cache == null) {
            cache = new Type[offsets.length];
            decoded = cache;
        }
        return cache;
    }

    private BtfException outOfRange(int id) {
        return new BtfException("type id " + id + " out of range (BTF has ids 0.." + (typeCount() - 1) + ")");
    }

    /** The string at {@code offset} of the string section (split BTF: continuing the base's). */
    public String string(int offset) {
        if (base != null) {
            if (offset >= 0 && offset < baseStrLen) {
                return base.string(offset);
            }
            offset -= baseStrLen;
            if (offset == 0 && strLen == 0) {
                return "";
            }
        }
        return ownString(offset);
    }

    int stringsLength() {
        return baseStrLen + strLen;
    }

    /** A copy of this blob's own string section. */
    byte[] ownStrings() {
        return Arrays.copyOfRange(data, strStart, strStart + strLen);
    }

    /** The string at {@code local}, an offset in this blob's own string section. */
    private String ownString(int local) {
        if (local < 0 || local >= strLen) {
            throw new BtfException("string offset " + local + " past the string section (" + strLen + " bytes)");
        }
        int start = strStart + local;
        int limit = strStart + strLen;
        int end = start;
        while (end < limit && data[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw new BtfException("string at offset " + local + " is not NUL-terminated");
        }
        return new String(data, start, end - start, StandardCharsets.UTF_8);
    }

    /** Whether the string at {@code offset} is exactly {@code utf8}: compared in place, no String made. */
    boolean stringEquals(int offset, byte[] utf8) {
        if (base != null && offset >= 0 && offset < baseStrLen) {
            return base.stringEquals(offset, utf8);
        }
        int local = offset - baseStrLen;
        int end = local + utf8.length;
        return local >= 0
                && end < strLen
                && data[strStart + end] == 0
                && Arrays.equals(data, strStart + local, strStart + end, utf8, 0, utf8.length);
    }

    /** The hash of the string at {@code offset} up to {@code stop} bytes or its NUL (for {@link BtfNames}). */
    int stringHash(int offset, int stop) {
        if (base != null && offset >= 0 && offset < baseStrLen) {
            return base.stringHash(offset, stop);
        }
        int local = offset - baseStrLen;
        int h = 0;
        for (int i = strStart + local, end = (int) Math.min(strStart + strLen, (long) strStart + local + stop);
                i < end && data[i] != 0;
                i++) {
            h = 31 * h + data[i];
        }
        return h;
    }

    /**
     * The hash ({@link #stringHash}'s) of the string at {@code offset} without a {@code ___flavor}
     * suffix, in one pass: the CO-RE index hashes every kernel type name this way on its first
     * lookup, which runs before the JIT has compiled anything.
     */
    int essentialHash(int offset) {
        if (base != null && offset >= 0 && offset < baseStrLen) {
            return base.essentialHash(offset);
        }
        int start = strStart + offset - baseStrLen;
        int h = 0;
        int cut = 0;
        boolean flavored = false;
        // The string section ends in NUL (checked at parse), so i + 2 stays inside it.
        for (int i = start; data[i] != 0; i++) {
            if (i > start && data[i] == '_' && data[i + 1] == '_' && data[i + 2] == '_') {
                cut = h; // the last "___" after the first character starts the flavor
                flavored = true;
            }
            h = 31 * h + data[i];
        }
        return flavored ? cut : h;
    }

    /** The name offset of own type {@code i} (index from {@link #firstOwnId()}). */
    int nameOffsetOfOwn(int i) {
        return word(offsets[i]);
    }

    /** The BTF kind of own type {@code i}. */
    int kindOfOwn(int i) {
        return (word(offsets[i] + 4) >>> 24) & 0x1f;
    }

    int ownCount() {
        return offsets.length;
    }

    /** A little-endian word of the type section. */
    int word(int off) {
        return (int) BtfReader.I32.get(data, off);
    }

    /** Every type id with exactly this name, in id order (base ids first), empty when none. */
    public List<Integer> idsByName(String name) {
        List<Integer> out = base == null ? new ArrayList<>() : new ArrayList<>(base.idsByName(name));
        for (int id : names.named(name)) {
            out.add(id);
        }
        return out;
    }

    /** The first type of this record class named {@code name}, e.g. {@code find("task_struct", Type.Struct.class)}. */
    public <T extends Type> Optional<T> find(String name, Class<T> kind) {
        for (int id : idsByName(name)) {
            Type t = type(id);
            if (kind.isInstance(t)) {
                return Optional.of(kind.cast(t));
            }
        }
        return Optional.empty();
    }

    /** The id of the first type of this record class named {@code name}. */
    public Optional<Integer> findId(String name, Class<? extends Type> kind) {
        if (base != null) {
            Optional<Integer> inBase = base.findId(name, kind);
            if (inBase.isPresent()) {
                return inBase;
            }
        }
        int k = kindNumber(kind);
        if (k >= 0) {
            // A concrete record class is one kind, matched in the record: no need to decode the type.
            int id = names.first(name, k);
            return id < 0 ? Optional.empty() : Optional.of(id);
        }
        for (int id : names.named(name, k)) {
            if (kind.isInstance(type(id))) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    /** The BTF kind a record class stands for, or -1 (the {@code Type} interface itself, {@code Void}). */
    private static int kindNumber(Class<? extends Type> c) {
        for (int k = 1; k < RECORD_CLASSES.length; k++) {
            if (RECORD_CLASSES[k] == c) {
                return k;
            }
        }
        return -1;
    }

    private static final Class<?>[] RECORD_CLASSES = {
        Type.Void.class,
        Type.Int.class,
        Type.Ptr.class,
        Type.Array.class,
        Type.Struct.class,
        Type.Union.class,
        Type.Enum.class,
        Type.Fwd.class,
        Type.Typedef.class,
        Type.Volatile.class,
        Type.Const.class,
        Type.Restrict.class,
        Type.Func.class,
        Type.FuncProto.class,
        Type.Var.class,
        Type.DataSec.class,
        Type.Float.class,
        Type.DeclTag.class,
        Type.TypeTag.class,
        Type.Enum64.class
    };

    // ---- CoreTypes: answers read from the record bytes, nothing decoded ----

    /** Where the record of own id {@code id} starts; the id must be this blob's. */
    private int at(int id) {
        int i = id - firstId;
        if (i < 0 || i >= offsets.length) {
            throw outOfRange(id);
        }
        return offsets[i];
    }

    private boolean inBase(int id) {
        return id < firstId && base != null && id > 0;
    }

    @Override
    public int kind(int id) {
        if (id == 0) {
            return VOID;
        }
        return inBase(id) ? base.kind(id) : (word(at(id) + 4) >>> 24) & 0x1f;
    }

    /** The type's name, "" for void and anonymous types. */
    @Override
    public String name(int id) {
        if (id == 0) {
            return "";
        }
        return inBase(id) ? base.name(id) : string(word(at(id)));
    }

    @Override
    public int size(int id) {
        return inBase(id) ? base.size(id) : word(at(id) + 8);
    }

    @Override
    public int ref(int id) {
        return inBase(id) ? base.ref(id) : word(at(id) + 8);
    }

    @Override
    public int arrayElement(int id) {
        return inBase(id) ? base.arrayElement(id) : word(extra(id, ARRAY) + 12);
    }

    @Override
    public int arrayLength(int id) {
        return inBase(id) ? base.arrayLength(id) : word(extra(id, ARRAY) + 20);
    }

    /** Where the record of own type {@code id} starts, after checking it is of {@code kind} (whose extra words are read). */
    private int extra(int id, int kind) {
        int rec = at(id);
        int k = (word(rec + 4) >>> 24) & 0x1f;
        if (k != kind) {
            throw new BtfException("type [" + id + "] is " + KIND_NAMES[k] + ", not " + KIND_NAMES[kind]);
        }
        return rec;
    }

    @Override
    public int vlen(int id) {
        if (id == 0) {
            return 0;
        }
        return inBase(id) ? base.vlen(id) : word(at(id) + 4) & 0xffff;
    }

    private boolean kindFlag(int id) {
        return word(at(id) + 4) < 0;
    }

    /** Where entry {@code i} (member, enumerator, parameter, DATASEC variable) of own type {@code id} starts. */
    private int entry(int id, int i) {
        int rec = at(id);
        int info = word(rec + 4);
        if (i < 0 || i >= (info & 0xffff)) {
            throw new BtfException(
                    "entry " + i + " of type [" + id + "] out of range (it has " + (info & 0xffff) + ")");
        }
        int kind = (info >>> 24) & 0x1f;
        int entrySize =
                switch (kind) {
                    case STRUCT, UNION, ENUM64, DATASEC -> 12;
                    case ENUM, FUNC_PROTO -> 8;
                    // vlen means something else here (a FUNC's linkage): there are no entries to read
                    default ->
                        throw new BtfException("type [" + id + "] is " + KIND_NAMES[kind] + ", which has no members");
                };
        return rec + 12 + i * entrySize;
    }

    @Override
    public String memberName(int id, int i) {
        return inBase(id) ? base.memberName(id, i) : string(word(entry(id, i)));
    }

    @Override
    public int memberType(int id, int i) {
        if (inBase(id)) {
            return base.memberType(id, i);
        }
        // A DATASEC entry is (type, offset, size); members and parameters are (name, type, ...).
        return kind(id) == DATASEC ? word(entry(id, i)) : word(entry(id, i) + 4);
    }

    @Override
    public int memberBitOffset(int id, int i) {
        if (inBase(id)) {
            return base.memberBitOffset(id, i);
        }
        int off = word(entry(id, i) + 8);
        return kindFlag(id) ? off & 0xffffff : off;
    }

    @Override
    public int memberBitfieldSize(int id, int i) {
        if (inBase(id)) {
            return base.memberBitfieldSize(id, i);
        }
        return kindFlag(id) ? word(entry(id, i) + 8) >>> 24 : 0;
    }

    @Override
    public long enumValue(int id, int i) {
        if (inBase(id)) {
            return base.enumValue(id, i);
        }
        int e = entry(id, i);
        if (kind(id) == ENUM64) {
            return Integer.toUnsignedLong(word(e + 4)) | ((long) word(e + 8) << 32);
        }
        int v = word(e + 4);
        return enumSigned(id) ? v : Integer.toUnsignedLong(v);
    }

    @Override
    public boolean enumSigned(int id) {
        return inBase(id) ? base.enumSigned(id) : kindFlag(id);
    }

    @Override
    public boolean intSigned(int id) {
        return inBase(id) ? base.intSigned(id) : (word(extra(id, INT) + 12) >>> 24 & 1) != 0;
    }

    @Override
    public int intBitOffset(int id) {
        return inBase(id) ? base.intBitOffset(id) : (word(extra(id, INT) + 12) >>> 16) & 0xff;
    }

    @Override
    public List<Integer> idsNamed(String name) {
        return idsByName(name);
    }

    @Override
    public List<Integer> idsWithEssentialName(String essentialName) {
        List<Integer> out =
                base == null ? new ArrayList<>() : new ArrayList<>(base.idsWithEssentialName(essentialName));
        for (int id : names.withEssentialName(essentialName)) {
            out.add(id);
        }
        return out;
    }

    /** Parsing does not look for cycles (as libbpf's does not); every chain walk stops here instead. */
    private BtfException chainTooLong(int start) {
        return new BtfException(
                "type [" + start + "] " + kindName(start) + ": its typedef/modifier/array chain does not end"
                        + " within " + MAX_CHAIN + " steps: a reference cycle");
    }

    /** The kind's name for messages ("STRUCT"). */
    String kindName(int id) {
        int k = kind(id);
        return k < KIND_NAMES.length ? KIND_NAMES[k] : "KIND " + k;
    }

    private static final String[] KIND_NAMES = {
        "VOID",
        "INT",
        "PTR",
        "ARRAY",
        "STRUCT",
        "UNION",
        "ENUM",
        "FWD",
        "TYPEDEF",
        "VOLATILE",
        "CONST",
        "RESTRICT",
        "FUNC",
        "FUNC_PROTO",
        "VAR",
        "DATASEC",
        "FLOAT",
        "DECL_TAG",
        "TYPE_TAG",
        "ENUM64"
    };

    /** Every type id the record of {@code id} refers to, read from its bytes (for validation messages). */
    int[] references(int id) {
        int rec = at(id);
        int k = kind(id);
        int n = vlen(id);
        return switch (k) {
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, FUNC, VAR, DECL_TAG -> new int[] {word(rec + 8)};
            case ARRAY -> new int[] {word(rec + 12), word(rec + 16)};
            case STRUCT, UNION -> {
                int[] r = new int[n];
                for (int i = 0; i < n; i++) {
                    r[i] = word(rec + 12 + 12 * i + 4);
                }
                yield r;
            }
            case FUNC_PROTO -> {
                int[] r = new int[n + 1];
                r[0] = word(rec + 8);
                for (int i = 0; i < n; i++) {
                    r[i + 1] = word(rec + 12 + 8 * i + 4);
                }
                yield r;
            }
            case DATASEC -> {
                int[] r = new int[n];
                for (int i = 0; i < n; i++) {
                    r[i] = word(rec + 12 + 12 * i);
                }
                yield r;
            }
            default -> new int[0];
        };
    }

    /** The type after skipping typedef, const, volatile, restrict and type tags. */
    public int resolve(int id) {
        int start = id;
        for (int i = 0; i < MAX_CHAIN; i++) {
            Type t = type(id);
            switch (t) {
                case Type.Typedef x -> id = x.targetId();
                case Type.Const x -> id = x.targetId();
                case Type.Volatile x -> id = x.targetId();
                case Type.Restrict x -> id = x.targetId();
                case Type.TypeTag x -> id = x.targetId();
                default -> {
                    return id;
                }
            }
        }
        throw chainTooLong(start);
    }

    /**
     * The size in bytes of a type, following typedefs, modifiers and VARs; arrays multiply,
     * pointers are 8 bytes (BPF is 64-bit).
     *
     * @throws BtfException for a type without a size (void, FWD, FUNC, FUNC_PROTO, DECL_TAG)
     */
    public long sizeof(int id) {
        try {
            return sizeofChecked(id);
        } catch (ArithmeticException e) {
            throw new BtfException("type [" + id + "] " + describe(id) + " is larger than 2^63 bytes");
        }
    }

    private long sizeofChecked(int id) {
        long mult = 1;
        int start = id;
        for (int i = 0; i < MAX_CHAIN; i++) {
            Type t = type(id);
            switch (t) {
                case Type.Int x -> {
                    return Math.multiplyExact(mult, x.size());
                }
                case Type.Struct x -> {
                    return Math.multiplyExact(mult, Integer.toUnsignedLong(x.size()));
                }
                case Type.Union x -> {
                    return Math.multiplyExact(mult, Integer.toUnsignedLong(x.size()));
                }
                case Type.Enum x -> {
                    return Math.multiplyExact(mult, x.size());
                }
                case Type.Enum64 x -> {
                    return Math.multiplyExact(mult, x.size());
                }
                case Type.Float x -> {
                    return Math.multiplyExact(mult, x.size());
                }
                case Type.DataSec x -> {
                    return Math.multiplyExact(mult, Integer.toUnsignedLong(x.size()));
                }
                case Type.Ptr x -> {
                    return Math.multiplyExact(mult, 8L);
                }
                case Type.Array x -> {
                    mult = Math.multiplyExact(mult, Integer.toUnsignedLong(x.length()));
                    id = x.elementId();
                }
                case Type.Typedef x -> id = x.targetId();
                case Type.Const x -> id = x.targetId();
                case Type.Volatile x -> id = x.targetId();
                case Type.Restrict x -> id = x.targetId();
                case Type.TypeTag x -> id = x.targetId();
                case Type.Var x -> id = x.typeId();
                default -> throw new BtfException("type [" + id + "] " + describe(id) + " has no size");
            }
        }
        throw chainTooLong(start);
    }

    /** The alignment in bytes of a type, as clang lays it out for BPF (largest member for aggregates). */
    public int alignof(int id) {
        return alignof(id, 0, new int[] {WORK_BUDGET});
    }

    /** Members visited (alignof) or characters produced (cName) before a blob counts as hostile. */
    private static final int WORK_BUDGET = 1 << 22;
    /**
     * The deepest nesting followed by recursion (a struct held by value in a struct, a function
     * pointer among a function pointer's parameters): a few frames each, so that a hostile blob
     * meets this limit long before the JVM's default 1 MB thread stack runs out. Kernel types nest
     * a few dozen levels at most. Chains (pointers, arrays, modifiers) are walked in loops instead.
     */
    static final int MAX_NESTING = 256;

    private int alignof(int id, int nesting, int[] budget) {
        if (nesting > MAX_NESTING) {
            throw new BtfException("type nesting from id " + id + " deeper than " + MAX_NESTING
                    + " levels: a struct that holds itself by value (a reference cycle), or hostile BTF");
        }
        int start = id;
        for (int i = 0; i <= MAX_CHAIN; i++) {
            if (--budget[0] < 0) {
                throw new BtfException("type [" + start + "] nests too many members to compute its alignment");
            }
            Type t = type(resolve(id));
            switch (t) {
                case Type.Int x -> {
                    return Math.max(1, Math.min(x.size(), 8));
                }
                case Type.Float x -> {
                    return Math.max(1, Math.min(x.size(), 8));
                }
                case Type.Enum x -> {
                    return Math.max(1, Math.min(x.size(), 8));
                }
                case Type.Enum64 x -> {
                    return Math.max(1, Math.min(x.size(), 8));
                }
                case Type.Ptr x -> {
                    return 8;
                }
                case Type.Array x -> id = x.elementId();
                case Type.Var x -> id = x.typeId();
                case Type.Struct x -> {
                    return aggregateAlign(x.members(), x.size(), nesting, budget);
                }
                case Type.Union x -> {
                    return aggregateAlign(x.members(), x.size(), nesting, budget);
                }
                default -> throw new BtfException("type [" + id + "] " + describe(id) + " has no alignment");
            }
        }
        throw chainTooLong(start);
    }

    private int aggregateAlign(List<Type.Member> members, int size, int nesting, int[] budget) {
        int align = 1;
        boolean packed = false;
        for (Type.Member m : members) {
            int a = alignof(m.typeId(), nesting + 1, budget);
            align = Math.max(align, a);
            // A member at an offset its own alignment forbids means __attribute__((packed)).
            if (m.bitfieldSize() == 0 && (m.bitOffset() % (8 * a)) != 0) {
                packed = true;
            }
        }
        if (packed || (size % align) != 0) {
            return 1;
        }
        return align;
    }

    /** The type as C spells it: {@code "struct task_struct *"}, {@code "char[16]"}, {@code "void (*)(int)"}. */
    public String cName(int id) {
        int[] budget = {WORK_BUDGET};
        return CDeclarator.declare(this, id, "", 0, MAX_CHAIN, new CDeclarator.Host() {
                    @Override
                    public String base(int at, Type t, int nesting) {
                        return baseName(t);
                    }

                    @Override
                    public void step(int start, String inner, CharSequence prefix) {
                        budget[0] -= inner.length() + 1;
                        if (budget[0] < 0) {
                            throw new BtfException("the C name of type [" + start + "] is absurdly long");
                        }
                    }

                    @Override
                    public BtfException chainTooLong(int start, int maxChain) {
                        return new BtfException("type nesting from id " + start + " deeper than " + maxChain
                                + " levels: a reference cycle through pointer/array/modifier types, or hostile BTF");
                    }

                    @Override
                    public BtfException nestedTooDeep(int at) {
                        return new BtfException("type nesting from id " + at + " deeper than " + MAX_NESTING
                                + " levels of function prototypes: a reference cycle, or hostile BTF");
                    }
                })
                .strip();
    }

    private static String baseName(Type t) {
        String n = t.name();
        return switch (t) {
            case Type.Struct s -> n.isEmpty() ? "struct {...}" : "struct " + n;
            case Type.Union u -> n.isEmpty() ? "union {...}" : "union " + n;
            case Type.Enum e -> n.isEmpty() ? "enum {...}" : "enum " + n;
            case Type.Enum64 e -> n.isEmpty() ? "enum {...}" : "enum " + n;
            case Type.Fwd f -> (f.union() ? "union " : "struct ") + n;
            default -> n;
        };
    }

    /** A short description of a type for messages: kind and name. */
    public String describe(int id) {
        Type t = type(id);
        String kind = t.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
        return t.name().isEmpty() ? kind : kind + " '" + t.name() + "'";
    }

    /**
     * A copy with every DATASEC's size and its variables' offsets filled in from the ELF, as the
     * kernel needs them (clang leaves them 0): {@code sectionSizes} by DATASEC name, and
     * {@code varOffsets} by DATASEC name then VAR name. Entries are sorted by offset, as the
     * kernel requires; DATASECs and variables not named keep their values.
     *
     * <pre>{@code
     * Btf fixed = btf.withDataSecLayout(Map.of(".data", 16L), Map.of(".data", Map.of("counter", 8L)));
     * }</pre>
     */
    public Btf withDataSecLayout(Map<String, Long> sectionSizes, Map<String, Map<String, Long>> varOffsets) {
        if (base == null) {
            return parse(patchedDataSecs(sectionSizes, varOffsets));
        }
        List<Type> out = new ArrayList<>(ownTypes());
        for (int i = 0; i < out.size(); i++) {
            if (!(out.get(i) instanceof Type.DataSec d)) {
                continue;
            }
            Long size = sectionSizes.get(d.name());
            Map<String, Long> offs = varOffsets.getOrDefault(d.name(), Map.of());
            List<Type.VarSecInfo> vars = new ArrayList<>(d.vars().size());
            for (Type.VarSecInfo v : d.vars()) {
                Long off = offs.get(type(v.typeId()).name());
                vars.add(off == null ? v : new Type.VarSecInfo(v.typeId(), Math.toIntExact(off), v.size()));
            }
            vars.sort((a, b) -> Integer.compare(a.offset(), b.offset()));
            out.set(i, new Type.DataSec(d.name(), size == null ? d.size() : Math.toIntExact(size), vars));
        }
        // Standalone blobs were patched in place above; a split blob is rebuilt on its base.
        return of(base, out);
    }

    /**
     * A copy of this standalone blob with the DATASEC sizes and variable offsets patched where
     * they stand (each a u32 of a fixed-size record), variables sorted by offset as libbpf sorts
     * them. Nothing else moves, so the string section and every offset into it stay valid; the
     * caller parses the copy, which checks it like any other blob. Far cheaper than decoding and
     * writing every type, which an object's read did for this alone.
     */
    private byte[] patchedDataSecs(Map<String, Long> sectionSizes, Map<String, Map<String, Long>> varOffsets) {
        byte[] copy = data.clone();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(copy).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < offsets.length; i++) {
            int rec = offsets[i];
            int info = b.getInt(rec + 4);
            if (((info >>> 24) & 0x1f) != CoreTypes.DATASEC) {
                continue;
            }
            Type.DataSec d = (Type.DataSec) type(firstId + i);
            Long size = sectionSizes.get(d.name());
            if (size != null) {
                b.putInt(rec + 8, Math.toIntExact(size));
            }
            Map<String, Long> offs = varOffsets.getOrDefault(d.name(), Map.of());
            List<Type.VarSecInfo> vars = new ArrayList<>(d.vars().size());
            for (Type.VarSecInfo v : d.vars()) {
                Long off = offs.get(type(v.typeId()).name());
                vars.add(off == null ? v : new Type.VarSecInfo(v.typeId(), Math.toIntExact(off), v.size()));
            }
            vars.sort((x, y) -> Integer.compare(x.offset(), y.offset()));
            for (int k = 0; k < vars.size(); k++) {
                int at = rec + 12 + 12 * k; // struct btf_var_secinfo { type, offset, size }
                b.putInt(at, vars.get(k).typeId())
                        .putInt(at + 4, vars.get(k).offset())
                        .putInt(at + 8, vars.get(k).size());
            }
        }
        return copy;
    }

    /**
     * The bytes of this blob (a copy): what it was parsed from, with a DATASEC layout applied by
     * {@link #withDataSecLayout} patched in. For split BTF, its own part. Unlike
     * {@link BtfWriter#write(Btf)}, nothing is re-encoded: this is how a loader hands an object's
     * BTF to the kernel when nothing in it needs rewriting.
     *
     * <pre>{@code
     * byte[] same = Btf.parse(Files.readAllBytes(path)).toBytes();
     * }</pre>
     */
    public byte[] toBytes() {
        return data.clone();
    }

    /** This blob's own types, index 0 being id {@link #firstOwnId()}; decoded as they are read. */
    List<Type> ownTypes() {
        return new AbstractList<>() {
            @Override
            public Type get(int index) {
                return type(firstId + index);
            }

            @Override
            public int size() {
                return offsets.length;
            }
        };
    }

    /** The bytes of this blob and its base: what limits the work of walking it (the C header writer's output). */
    long byteSize() {
        return data.length + (base == null ? 0 : base.byteSize());
    }

    @Override
    public String toString() {
        return "Btf[" + offsets.length + " types from id " + firstId + ", " + data.length + " bytes]";
    }
}
