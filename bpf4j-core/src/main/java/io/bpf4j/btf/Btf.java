package io.bpf4j.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code .BTF} blob: every type by id, a name index, and the sizes, alignments and C
 * names of types. Immutable and thread-safe; the name index is built once, on first lookup.
 *
 * <p>Split BTF (kernel modules) continues the ids and the string offsets of a base BTF;
 * {@link #parse(byte[], Btf)} reads it and {@link #type(int)} answers for base ids too.
 *
 * <pre>{@code
 * Btf btf = Btf.parse(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
 * int task = btf.idsByName("task_struct").getFirst();
 * long size = btf.sizeof(task);
 * }</pre>
 */
public final class Btf {
    static final int MAGIC = 0xeB9F;
    static final int HEADER_MIN = 24;
    /** The deepest typedef/modifier/array chain followed before calling it hostile. */
    private static final int MAX_CHAIN = 1024;

    private final Btf base;
    private final int firstId;
    private final Type[] types;
    /** The string section (for split BTF: only this blob's part, offsets continue the base's). */
    private final byte[] strings;
    private volatile Map<String, int[]> byName;

    private Btf(Btf base, int firstId, Type[] types, byte[] strings) {
        this.base = base;
        this.firstId = firstId;
        this.types = types;
        this.strings = strings;
    }

    /**
     * Parses a standalone {@code .BTF} blob (an object's section or {@code /sys/kernel/btf/vmlinux}).
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

    static Btf of(Btf base, Type[] ownTypes, byte[] strings) {
        int first = base == null ? 1 : base.typeCount();
        Btf b = new Btf(base, first, ownTypes, strings);
        b.checkReferences();
        return b;
    }

    /** The base BTF of split BTF. */
    public Optional<Btf> base() {
        return Optional.ofNullable(base);
    }

    /** One past the largest type id (id 0, void, counts): ids {@code 0 .. typeCount()-1} are valid. */
    public int typeCount() {
        return firstId + types.length;
    }

    /** The first id this blob defines (1, or the base's type count for split BTF). */
    public int firstOwnId() {
        return firstId;
    }

    /** The type with this id; 0 is {@link Type.Void}. */
    public Type type(int id) {
        if (id >= firstId && id < firstId + types.length) {
            return types[id - firstId];
        }
        if (id == 0) {
            return VOID;
        }
        if (base != null && id > 0 && id < firstId) {
            return base.type(id);
        }
        throw new BtfException("type id " + id + " out of range (BTF has ids 0.." + (typeCount() - 1) + ")");
    }

    private static final Type.Void VOID = new Type.Void();

    /** The string at {@code offset} of the string section (split BTF: continuing the base's). */
    public String string(int offset) {
        if (base != null) {
            int baseLen = base.stringsLength();
            if (offset >= 0 && offset < baseLen) {
                return base.string(offset);
            }
            offset -= baseLen;
            if (offset == 0 && strings.length == 0) {
                return "";
            }
        }
        return cString(strings, offset);
    }

    int stringsLength() {
        return (base == null ? 0 : base.stringsLength()) + strings.length;
    }

    /** This blob's own string section. */
    byte[] rawStrings() {
        return strings;
    }

    static String cString(byte[] s, int offset) {
        if (offset < 0 || offset >= s.length) {
            throw new BtfException("string offset " + offset + " past the string section (" + s.length + " bytes)");
        }
        int end = offset;
        while (end < s.length && s[end] != 0) {
            end++;
        }
        if (end == s.length) {
            throw new BtfException("string at offset " + offset + " is not NUL-terminated");
        }
        return new String(s, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** Every type id with exactly this name, in id order (base ids first), empty when none. */
    public List<Integer> idsByName(String name) {
        List<Integer> out = new ArrayList<>();
        if (base != null) {
            out.addAll(base.idsByName(name));
        }
        int[] own = nameIndex().get(name);
        if (own != null) {
            for (int id : own) {
                out.add(id);
            }
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
        for (int id : idsByName(name)) {
            if (kind.isInstance(type(id))) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    private Map<String, int[]> nameIndex() {
        Map<String, int[]> idx = byName;
        if (idx == null) {
            synchronized (this) {
                idx = byName;
                if (idx == null) {
                    idx = buildIndex();
                    byName = idx;
                }
            }
        }
        return idx;
    }

    private Map<String, int[]> buildIndex() {
        Map<String, int[]> idx = new HashMap<>(types.length * 2);
        for (int i = 0; i < types.length; i++) {
            String n = types[i].name();
            if (n.isEmpty()) {
                continue;
            }
            int id = firstId + i;
            idx.merge(n, new int[] {id}, (a, b) -> {
                int[] c = Arrays.copyOf(a, a.length + 1);
                c[a.length] = b[0];
                return c;
            });
        }
        return idx;
    }

    /** The type after skipping typedef, const, volatile, restrict and type tags. */
    public int resolve(int id) {
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
        throw new BtfException("type chain from id " + id + " longer than " + MAX_CHAIN);
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
                case Type.Int x -> { return Math.multiplyExact(mult, x.size()); }
                case Type.Struct x -> { return Math.multiplyExact(mult, Integer.toUnsignedLong(x.size())); }
                case Type.Union x -> { return Math.multiplyExact(mult, Integer.toUnsignedLong(x.size())); }
                case Type.Enum x -> { return Math.multiplyExact(mult, x.size()); }
                case Type.Enum64 x -> { return Math.multiplyExact(mult, x.size()); }
                case Type.Float x -> { return Math.multiplyExact(mult, x.size()); }
                case Type.DataSec x -> { return Math.multiplyExact(mult, Integer.toUnsignedLong(x.size())); }
                case Type.Ptr x -> { return Math.multiplyExact(mult, 8L); }
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
        throw new BtfException("type chain from id " + start + " longer than " + MAX_CHAIN);
    }

    /** The alignment in bytes of a type, as clang lays it out for BPF (largest member for aggregates). */
    public int alignof(int id) {
        return alignof(id, 0, new int[] {WORK_BUDGET});
    }

    /** Members visited (alignof) or characters produced (cName) before a blob counts as hostile. */
    private static final int WORK_BUDGET = 1 << 22;

    private int alignof(int id, int depth, int[] budget) {
        if (--budget[0] < 0) {
            throw new BtfException("type [" + id + "] nests too many members to compute its alignment");
        }
        if (depth > MAX_CHAIN) {
            throw new BtfException("type nesting from id " + id + " deeper than " + MAX_CHAIN);
        }
        Type t = type(resolve(id));
        return switch (t) {
            case Type.Int x -> Math.max(1, Math.min(x.size(), 8));
            case Type.Float x -> Math.max(1, Math.min(x.size(), 8));
            case Type.Enum x -> Math.max(1, Math.min(x.size(), 8));
            case Type.Enum64 x -> Math.max(1, Math.min(x.size(), 8));
            case Type.Ptr x -> 8;
            case Type.Array x -> alignof(x.elementId(), depth + 1, budget);
            case Type.Var x -> alignof(x.typeId(), depth + 1, budget);
            case Type.Struct x -> aggregateAlign(x.members(), x.size(), depth, budget);
            case Type.Union x -> aggregateAlign(x.members(), x.size(), depth, budget);
            default -> throw new BtfException("type [" + id + "] " + describe(id) + " has no alignment");
        };
    }

    private int aggregateAlign(List<Type.Member> members, int size, int depth, int[] budget) {
        int align = 1;
        boolean packed = false;
        for (Type.Member m : members) {
            int a = alignof(m.typeId(), depth + 1, budget);
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
        return declare(id, "", 0, new int[] {WORK_BUDGET}).strip();
    }

    private String declare(int id, String inner, int depth, int[] budget) {
        budget[0] -= inner.length() + 1;
        if (budget[0] < 0) {
            throw new BtfException("the C name of type [" + id + "] is absurdly long");
        }
        if (depth > MAX_CHAIN) {
            throw new BtfException("type nesting from id " + id + " deeper than " + MAX_CHAIN);
        }
        Type t = type(id);
        return switch (t) {
            case Type.Ptr p -> {
                Type target = type(p.targetId());
                boolean paren = target instanceof Type.Array || target instanceof Type.FuncProto;
                yield declare(p.targetId(), paren ? "(*" + inner + ")" : "*" + inner, depth + 1, budget);
            }
            case Type.Array a -> declare(a.elementId(), inner + "[" + Integer.toUnsignedString(a.length()) + "]", depth + 1, budget);
            case Type.Const c -> qualified("const", c.targetId(), inner, depth, budget);
            case Type.Volatile v -> qualified("volatile", v.targetId(), inner, depth, budget);
            case Type.Restrict r -> qualified("restrict", r.targetId(), inner, depth, budget);
            case Type.TypeTag tt -> declare(tt.targetId(), inner, depth + 1, budget);
            case Type.FuncProto fp -> {
                StringBuilder args = new StringBuilder(inner).append('(');
                List<Type.Param> ps = fp.params();
                if (ps.isEmpty()) {
                    args.append("void");
                }
                for (int i = 0; i < ps.size(); i++) {
                    if (i > 0) {
                        args.append(", ");
                    }
                    Type.Param p = ps.get(i);
                    args.append(p.typeId() == 0 && i == ps.size() - 1 ? "..." : declare(p.typeId(), "", depth + 1, budget).strip());
                }
                yield declare(fp.returnTypeId(), args.append(')').toString(), depth + 1, budget);
            }
            default -> join(baseName(t), inner);
        };
    }

    private String qualified(String q, int target, String inner, int depth, int[] budget) {
        Type tt = type(target);
        if (tt instanceof Type.Ptr) {
            return declare(target, q + (inner.isEmpty() ? "" : " " + inner), depth + 1, budget);
        }
        return q + " " + declare(target, inner, depth + 1, budget);
    }

    private static String join(String base, String inner) {
        if (inner.isEmpty()) {
            return base;
        }
        return inner.startsWith("[") ? base + inner : base + " " + inner;
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

    /** Every type id a record refers to (for validation and the writer). */
    static int[] references(Type t) {
        return switch (t) {
            case Type.Ptr x -> new int[] {x.targetId()};
            case Type.Array x -> new int[] {x.elementId(), x.indexId()};
            case Type.Struct x -> x.members().stream().mapToInt(Type.Member::typeId).toArray();
            case Type.Union x -> x.members().stream().mapToInt(Type.Member::typeId).toArray();
            case Type.Typedef x -> new int[] {x.targetId()};
            case Type.Volatile x -> new int[] {x.targetId()};
            case Type.Const x -> new int[] {x.targetId()};
            case Type.Restrict x -> new int[] {x.targetId()};
            case Type.Func x -> new int[] {x.protoId()};
            case Type.FuncProto x -> {
                int[] r = new int[x.params().size() + 1];
                r[0] = x.returnTypeId();
                for (int i = 0; i < x.params().size(); i++) {
                    r[i + 1] = x.params().get(i).typeId();
                }
                yield r;
            }
            case Type.Var x -> new int[] {x.typeId()};
            case Type.DataSec x -> x.vars().stream().mapToInt(Type.VarSecInfo::typeId).toArray();
            case Type.DeclTag x -> new int[] {x.targetId()};
            case Type.TypeTag x -> new int[] {x.targetId()};
            default -> new int[0];
        };
    }

    /** The single successor of a chain type (typedef, modifier, tag, var, array element, pointer), or -1. */
    private static int chainNext(Type t) {
        return switch (t) {
            case Type.Ptr x -> x.targetId();
            case Type.Array x -> x.elementId();
            case Type.Typedef x -> x.targetId();
            case Type.Volatile x -> x.targetId();
            case Type.Const x -> x.targetId();
            case Type.Restrict x -> x.targetId();
            case Type.TypeTag x -> x.targetId();
            case Type.Var x -> x.typeId();
            default -> -1;
        };
    }

    /** Refuses dangling ids and cycles that never pass through a struct, union or function. */
    private void checkReferences() {
        int count = typeCount();
        for (int i = 0; i < types.length; i++) {
            for (int ref : references(types[i])) {
                if (ref < 0 || ref >= count) {
                    throw new BtfException("type [" + (firstId + i) + "] " + types[i].getClass().getSimpleName()
                            + " refers to type id " + Integer.toUnsignedString(ref) + ", past the last id " + (count - 1));
                }
            }
        }
        byte[] state = new byte[types.length]; // 0 new, 1 on the current path, 2 known acyclic
        int[] path = new int[types.length];
        for (int start = 0; start < types.length; start++) {
            int len = 0;
            int cur = start;
            while (cur >= 0 && state[cur] == 0) {
                state[cur] = 1;
                path[len++] = cur;
                int next = chainNext(types[cur]);
                cur = next >= firstId ? next - firstId : -1;
            }
            if (cur >= 0 && state[cur] == 1) {
                throw new BtfException("type [" + (firstId + cur) + "] " + types[cur].getClass().getSimpleName()
                        + " is part of a reference cycle through typedef/modifier/pointer/array types");
            }
            for (int i = 0; i < len; i++) {
                state[path[i]] = 2;
            }
        }
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
        Type[] out = types.clone();
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] instanceof Type.DataSec d)) {
                continue;
            }
            Long size = sectionSizes.get(d.name());
            Map<String, Long> offs = varOffsets.getOrDefault(d.name(), Map.of());
            List<Type.VarSecInfo> vars = new ArrayList<>(d.vars().size());
            for (Type.VarSecInfo v : d.vars()) {
                Long off = offs.get(type(v.typeId()).name());
                vars.add(off == null ? v : new Type.VarSecInfo(v.typeId(), Math.toIntExact(off), v.size()));
            }
            vars.sort(java.util.Comparator.comparingInt(Type.VarSecInfo::offset));
            out[i] = new Type.DataSec(d.name(), size == null ? d.size() : Math.toIntExact(size), vars);
        }
        return of(base, out, strings);
    }

    /** This blob's own types, index 0 being id {@link #firstOwnId()}. */
    List<Type> ownTypes() {
        return Arrays.asList(types).subList(0, types.length);
    }
}
