package io.bpf4j.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parsed BTF: the types of an object's {@code .BTF} section or of the kernel, decoded on demand
 * into {@link Type} records. Look types up by id, name or kind; compute sizes and alignments;
 * skip typedefs and qualifiers; write C type names.
 *
 * <pre>{@code
 * Btf btf = Btf.parse(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
 * Type.Struct task = btf.find("task_struct", Type.Struct.class).orElseThrow();
 * long size = btf.sizeof(task.id());
 * }</pre>
 */
public final class Btf {
    private static final int MAX_CHAIN = 64;

    private final CoreRawBtf raw;

    private Btf(CoreRawBtf raw) {
        this.raw = raw;
    }

    /**
     * Parses raw little-endian BTF.
     *
     * @throws IllegalArgumentException naming the offset where the bytes stop being BTF
     */
    public static Btf parse(byte[] bytes) {
        return new Btf(CoreRawBtf.parse(bytes));
    }

    /** The raw view the CO-RE relocator uses. */
    public CoreTypes coreTypes() {
        return raw;
    }

    /** The number of type ids, void (0) included: valid ids are 0 .. typeCount()-1. */
    public int typeCount() {
        return raw.typeCount();
    }

    /**
     * The type with this id.
     *
     * @throws IllegalArgumentException when the id is out of range
     */
    public Type type(int id) {
        if (id == 0) {
            return new Type.Void(0);
        }
        int kind = raw.kind(id);
        String name = raw.name(id);
        int vlen = raw.vlen(id);
        boolean kindFlag = raw.info0(id) < 0;
        return switch (kind) {
            case CoreTypes.INT -> {
                int enc = raw.word(id, 0);
                int e = enc >>> 24 & 0xf;
                yield new Type.Int(id, name, raw.size(id), (e & 1) != 0, (e & 2) != 0, (e & 4) != 0, enc >>> 16 & 0xff, enc & 0xff);
            }
            case CoreTypes.PTR -> new Type.Pointer(id, raw.ref(id));
            case CoreTypes.ARRAY -> new Type.Array(id, raw.word(id, 0), raw.word(id, 4), raw.word(id, 8));
            case CoreTypes.STRUCT, CoreTypes.UNION -> {
                List<Type.Member> ms = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    ms.add(new Type.Member(raw.memberName(id, i), raw.memberType(id, i),
                            Integer.toUnsignedLong(raw.memberBitOffset(id, i)), raw.memberBitfieldSize(id, i)));
                }
                yield kind == CoreTypes.STRUCT ? new Type.Struct(id, name, raw.size(id), ms) : new Type.Union(id, name, raw.size(id), ms);
            }
            case CoreTypes.ENUM, CoreTypes.ENUM64 -> {
                List<Type.EnumValue> vs = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    vs.add(new Type.EnumValue(raw.memberName(id, i), raw.enumValue(id, i)));
                }
                yield kind == CoreTypes.ENUM ? new Type.Enum(id, name, raw.size(id), kindFlag, vs)
                        : new Type.Enum64(id, name, raw.size(id), kindFlag, vs);
            }
            case CoreTypes.FWD -> new Type.Fwd(id, name, kindFlag);
            case CoreTypes.TYPEDEF -> new Type.Typedef(id, name, raw.ref(id));
            case CoreTypes.VOLATILE -> new Type.Volatile(id, raw.ref(id));
            case CoreTypes.CONST -> new Type.Const(id, raw.ref(id));
            case CoreTypes.RESTRICT -> new Type.Restrict(id, raw.ref(id));
            case CoreTypes.FUNC -> new Type.Func(id, name, raw.ref(id), vlen);
            case CoreTypes.FUNC_PROTO -> {
                List<Type.Param> ps = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    ps.add(new Type.Param(raw.memberName(id, i), raw.memberType(id, i)));
                }
                yield new Type.FuncProto(id, raw.ref(id), ps);
            }
            case CoreTypes.VAR -> new Type.Var(id, name, raw.ref(id), raw.word(id, 0));
            case CoreTypes.DATASEC -> {
                List<Type.VarSecinfo> vs = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    vs.add(new Type.VarSecinfo(raw.word(id, 12 * i), raw.word(id, 12 * i + 4), raw.word(id, 12 * i + 8)));
                }
                yield new Type.Datasec(id, name, raw.size(id), vs);
            }
            case CoreTypes.FLOAT -> new Type.Float(id, name, raw.size(id));
            case CoreTypes.DECL_TAG -> new Type.DeclTag(id, name, raw.ref(id), raw.word(id, 0));
            case CoreTypes.TYPE_TAG -> new Type.TypeTag(id, name, raw.ref(id));
            default -> throw new IllegalArgumentException("type [" + id + "] has unknown BTF kind " + kind);
        };
    }

    /** Every type with this name, in id order. */
    public List<Type> byName(String name) {
        return raw.idsNamed(name).stream().map(this::type).toList();
    }

    /** The first type with this name and kind. */
    public <T extends Type> Optional<T> find(String name, Class<T> kind) {
        for (int id : raw.idsNamed(name)) {
            Type t = type(id);
            if (kind.isInstance(t)) {
                return Optional.of(kind.cast(t));
            }
        }
        return Optional.empty();
    }

    /** The type after skipping typedefs, const/volatile/restrict and type tags. */
    public Type resolve(int id) {
        return type(raw.skipModsAndTypedefs(id));
    }

    /**
     * The size of a type in bytes (pointers are 8).
     *
     * @throws IllegalArgumentException for void, functions and forward declarations
     */
    public long sizeof(int id) {
        return raw.resolveSize(id);
    }

    /** The alignment of a type in bytes, as a C compiler for BPF lays it out. */
    public int alignof(int id) {
        for (int guard = 0; guard < MAX_CHAIN; guard++) {
            Type t = type(raw.skipModsAndTypedefs(id));
            switch (t) {
                case Type.Int i -> {
                    return Math.max(1, Math.min(i.size(), 8));
                }
                case Type.Pointer p -> {
                    return 8;
                }
                case Type.Enum e -> {
                    return Math.max(1, Math.min(e.size(), 8));
                }
                case Type.Enum64 e -> {
                    return 8;
                }
                case Type.Float f -> {
                    return Math.min(f.size(), 8);
                }
                case Type.Array a -> id = a.element();
                case Type.Struct s -> {
                    return membersAlign(s.members());
                }
                case Type.Union u -> {
                    return membersAlign(u.members());
                }
                default -> throw new IllegalArgumentException("type [" + t.id() + "] " + cName(t.id()) + " has no alignment");
            }
        }
        throw new IllegalArgumentException("type chain too long at id " + id);
    }

    private int membersAlign(List<Type.Member> ms) {
        int a = 1;
        for (Type.Member m : ms) {
            a = Math.max(a, alignof(m.type()));
        }
        return a;
    }

    /** The C name of a type: {@code struct task_struct}, {@code char[16]}, {@code const int *}, {@code void}. */
    public String cName(int id) {
        return cName(id, 0);
    }

    private String cName(int id, int depth) {
        if (depth > MAX_CHAIN) {
            return "...";
        }
        Type t = type(id);
        return switch (t) {
            case Type.Void v -> "void";
            case Type.Int i -> i.name();
            case Type.Float f -> f.name();
            case Type.Pointer p -> cName(p.target(), depth + 1) + " *";
            case Type.Array a -> cName(a.element(), depth + 1) + "[" + a.length() + "]";
            case Type.Struct s -> "struct " + anon(s.name());
            case Type.Union u -> "union " + anon(u.name());
            case Type.Enum e -> "enum " + anon(e.name());
            case Type.Enum64 e -> "enum " + anon(e.name());
            case Type.Fwd f -> (f.union() ? "union " : "struct ") + f.name();
            case Type.Typedef d -> d.name();
            case Type.Const c -> "const " + cName(c.target(), depth + 1);
            case Type.Volatile v -> "volatile " + cName(v.target(), depth + 1);
            case Type.Restrict r -> cName(r.target(), depth + 1) + " restrict";
            case Type.TypeTag g -> cName(g.target(), depth + 1);
            case Type.Func f -> f.name();
            case Type.FuncProto p -> cName(p.returnType(), depth + 1) + " (*)(" + String.join(", ",
                    p.params().stream().map(x -> x.type() == 0 ? "..." : cName(x.type(), depth + 1)).toList()) + ")";
            case Type.Var v -> v.name();
            case Type.Datasec d -> d.name();
            case Type.DeclTag g -> g.name();
        };
    }

    private static String anon(String n) {
        return n.isEmpty() ? "(anon)" : n;
    }

    @Override
    public String toString() {
        return "Btf[" + (typeCount() - 1) + " types]";
    }
}
