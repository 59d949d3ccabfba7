package io.bpf4j.btf;

import java.util.List;

/**
 * One BTF type: a record per BTF kind. Types refer to each other by id within their {@link Btf}
 * (id 0 is {@code void}), so a type graph with cycles (a struct pointing to itself) stays plain
 * data; {@link Btf#type(int)} follows a reference.
 *
 * <pre>{@code
 * Btf btf = KernelBtf.vmlinux();
 * if (btf.find("task_struct", Type.Struct.class).orElseThrow() instanceof Type.Struct s) {
 *     s.members().forEach(m -> System.out.println(m.name() + " at bit " + m.bitOffset()));
 * }
 * }</pre>
 */
public sealed interface Type {
    /** The type's id in its Btf. */
    int id();

    /** The type's name, "" for anonymous types and kinds without names. */
    default String name() {
        return "";
    }

    /** {@code void} (id 0). */
    record Void(int id) implements Type {
    }

    /** An integer: size in bytes, signedness, char/bool encoding, and bit layout for bitfield ints. */
    record Int(int id, String name, int size, boolean signed, boolean isChar, boolean isBool, int bitOffset, int bits)
            implements Type {
    }

    /** A pointer to {@code target}. */
    record Pointer(int id, int target) implements Type {
    }

    /** An array of {@code length} elements of {@code element}, indexed by {@code indexType}. */
    record Array(int id, int element, int indexType, int length) implements Type {
    }

    /** A struct member or union member; {@code bitfieldSize} is 0 for a non-bitfield. */
    record Member(String name, int type, long bitOffset, int bitfieldSize) {
    }

    /** A struct. */
    record Struct(int id, String name, int size, List<Member> members) implements Type {
        public Struct {
            members = List.copyOf(members);
        }
    }

    /** A union. */
    record Union(int id, String name, int size, List<Member> members) implements Type {
        public Union {
            members = List.copyOf(members);
        }
    }

    /** An enumerator. */
    record EnumValue(String name, long value) {
    }

    /** A 32-bit (or smaller) enum. */
    record Enum(int id, String name, int size, boolean signed, List<EnumValue> values) implements Type {
        public Enum {
            values = List.copyOf(values);
        }
    }

    /** A 64-bit enum. */
    record Enum64(int id, String name, int size, boolean signed, List<EnumValue> values) implements Type {
        public Enum64 {
            values = List.copyOf(values);
        }
    }

    /** A forward declaration of a struct (or union, when {@code union}). */
    record Fwd(int id, String name, boolean union) implements Type {
    }

    /** {@code typedef target name}. */
    record Typedef(int id, String name, int target) implements Type {
    }

    /** {@code volatile target}. */
    record Volatile(int id, int target) implements Type {
    }

    /** {@code const target}. */
    record Const(int id, int target) implements Type {
    }

    /** {@code restrict target}. */
    record Restrict(int id, int target) implements Type {
    }

    /** A function: its prototype and linkage (0 static, 1 global, 2 extern). */
    record Func(int id, String name, int proto, int linkage) implements Type {
    }

    /** A function parameter; the last of a variadic function is unnamed with type 0. */
    record Param(String name, int type) {
    }

    /** A function prototype. */
    record FuncProto(int id, int returnType, List<Param> params) implements Type {
        public FuncProto {
            params = List.copyOf(params);
        }
    }

    /** A global variable: its type and linkage (0 static, 1 global, 2 extern). */
    record Var(int id, String name, int type, int linkage) implements Type {
    }

    /** A variable of a data section: the VAR (or FUNC for .ksyms) id, its offset and size. */
    record VarSecinfo(int type, int offset, int size) {
    }

    /** A data section ({@code .data}, {@code .maps}, {@code .kconfig} ...) and the variables in it. */
    record Datasec(int id, String name, int size, List<VarSecinfo> vars) implements Type {
        public Datasec {
            vars = List.copyOf(vars);
        }
    }

    /** A floating-point type of {@code size} bytes. */
    record Float(int id, String name, int size) implements Type {
    }

    /** {@code __attribute__((btf_decl_tag(name)))} on {@code target}, or on its member/parameter {@code component} (-1: the whole). */
    record DeclTag(int id, String name, int target, int component) implements Type {
    }

    /** {@code __attribute__((btf_type_tag(name)))} on {@code target}. */
    record TypeTag(int id, String name, int target) implements Type {
    }
}
