package io.bpf4j.btf;

import java.util.List;

/**
 * One BTF type, one record per {@code BTF_KIND_*}. BTF graphs have cycles (a struct holds a
 * pointer to itself), so records name other types by type id; {@link Btf#type(int)} resolves an id,
 * and id 0 is {@link Void}.
 *
 * <pre>{@code
 * if (btf.type(id) instanceof Type.Struct s) {
 *     for (Type.Member m : s.members()) System.out.println(m.name() + " @" + m.bitOffset());
 * }
 * }</pre>
 */
public sealed interface Type {

    /** The type's name, "" when anonymous. */
    String name();

    /** The kernel's {@code BTF_KIND_*} number of this record. */
    int kind();

    /** Type id 0: {@code void}. */
    record Void() implements Type {
        public String name() {
            return "void";
        }

        public int kind() {
            return 0;
        }
    }

    /**
     * BTF_KIND_INT. {@code bitOffset}/{@code bits} are the legacy encoding bits (bits is the used
     * width, usually size*8).
     */
    record Int(String name, int size, boolean signed, boolean isChar, boolean isBool, int bitOffset, int bits)
            implements Type {
        public int kind() {
            return 1;
        }
    }

    /** BTF_KIND_PTR to {@code targetId}. */
    record Ptr(int targetId) implements Type {
        public String name() {
            return "";
        }

        public int kind() {
            return 2;
        }
    }

    /** BTF_KIND_ARRAY of {@code length} elements of {@code elementId}, indexed by {@code indexId}. */
    record Array(int elementId, int indexId, int length) implements Type {
        public String name() {
            return "";
        }

        public int kind() {
            return 3;
        }
    }

    /**
     * A struct or union member. {@code bitOffset} is from the start of the enclosing type;
     * {@code bitfieldSize} is 0 for a plain member.
     */
    record Member(String name, int typeId, int bitOffset, int bitfieldSize) {}

    /** BTF_KIND_STRUCT. {@code bitfieldEncoding} is the kind_flag: member offsets carry bitfield sizes. */
    record Struct(String name, int size, List<Member> members, boolean bitfieldEncoding) implements Type {
        public Struct {
            members = List.copyOf(members);
        }

        public int kind() {
            return 4;
        }
    }

    /** BTF_KIND_UNION; members as in {@link Struct}. */
    record Union(String name, int size, List<Member> members, boolean bitfieldEncoding) implements Type {
        public Union {
            members = List.copyOf(members);
        }

        public int kind() {
            return 5;
        }
    }

    /** An enumerator: ENUM values are stored sign- or zero-extended per the enum's signedness. */
    record Enumerator(String name, long value) {}

    /** BTF_KIND_ENUM (32-bit values). */
    record Enum(String name, int size, boolean signed, List<Enumerator> values) implements Type {
        public Enum {
            values = List.copyOf(values);
        }

        public int kind() {
            return 6;
        }
    }

    /** BTF_KIND_FWD: a forward declaration of a struct (or a union when {@code union}). */
    record Fwd(String name, boolean union) implements Type {
        public int kind() {
            return 7;
        }
    }

    /** BTF_KIND_TYPEDEF. */
    record Typedef(String name, int targetId) implements Type {
        public int kind() {
            return 8;
        }
    }

    /** BTF_KIND_VOLATILE. */
    record Volatile(int targetId) implements Type {
        public String name() {
            return "";
        }

        public int kind() {
            return 9;
        }
    }

    /** BTF_KIND_CONST. */
    record Const(int targetId) implements Type {
        public String name() {
            return "";
        }

        public int kind() {
            return 10;
        }
    }

    /** BTF_KIND_RESTRICT. */
    record Restrict(int targetId) implements Type {
        public String name() {
            return "";
        }

        public int kind() {
            return 11;
        }
    }

    /** Function linkage of a {@link Func} ({@code enum btf_func_linkage}). */
    enum Linkage {
        STATIC,
        GLOBAL,
        EXTERN
    }

    /** BTF_KIND_FUNC: a function named {@code name} with prototype {@code protoId}. */
    record Func(String name, int protoId, Linkage linkage) implements Type {
        public int kind() {
            return 12;
        }
    }

    /** A FUNC_PROTO parameter; a variadic {@code ...} is the last parameter with name "" and type 0. */
    record Param(String name, int typeId) {}

    /** BTF_KIND_FUNC_PROTO. */
    record FuncProto(int returnTypeId, List<Param> params) implements Type {
        public FuncProto {
            params = List.copyOf(params);
        }

        public String name() {
            return "";
        }

        public int kind() {
            return 13;
        }
    }

    /** Variable linkage of a {@link Var} (0 static, 1 global-allocated, 2 extern). */
    enum VarLinkage {
        STATIC,
        GLOBAL,
        EXTERN
    }

    /** BTF_KIND_VAR. */
    record Var(String name, int typeId, VarLinkage linkage) implements Type {
        public int kind() {
            return 14;
        }
    }

    /** A DATASEC entry: the VAR (or FUNC for ksyms) at {@code offset} of {@code size} bytes. */
    record VarSecInfo(int typeId, int offset, int size) {}

    /** BTF_KIND_DATASEC: an ELF section of variables ({@code .data}, {@code .maps}, ...). */
    record DataSec(String name, int size, List<VarSecInfo> vars) implements Type {
        public DataSec {
            vars = List.copyOf(vars);
        }

        public int kind() {
            return 15;
        }
    }

    /** BTF_KIND_FLOAT. */
    record Float(String name, int size) implements Type {
        public int kind() {
            return 16;
        }
    }

    /**
     * BTF_KIND_DECL_TAG: {@code name} is the tag text; {@code componentIdx} is -1 for the whole
     * type, else the member/parameter index.
     */
    record DeclTag(String name, int targetId, int componentIdx) implements Type {
        public int kind() {
            return 17;
        }
    }

    /** BTF_KIND_TYPE_TAG: {@code name} is the tag text. */
    record TypeTag(String name, int targetId) implements Type {
        public int kind() {
            return 18;
        }
    }

    /** BTF_KIND_ENUM64. */
    record Enum64(String name, int size, boolean signed, List<Enumerator> values) implements Type {
        public Enum64 {
            values = List.copyOf(values);
        }

        public int kind() {
            return 19;
        }
    }
}
