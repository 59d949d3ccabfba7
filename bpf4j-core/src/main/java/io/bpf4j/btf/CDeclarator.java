package io.bpf4j.btf;

import java.util.List;

/**
 * C declarators: the chain of pointers, arrays, qualifiers and function prototypes around a base
 * type, spelled as C spells it ({@code char *(*name)[16]}). Used by {@link Btf#cName} for short
 * names and by {@link CHeaderWriter} for whole headers; they differ only in how they spell a base
 * type (the header writes anonymous bodies inline) and in the limits they hold hostile BTF to.
 *
 * <p>The chain is walked in a loop, a qualifier of a non-pointer collecting in a prefix that wraps
 * the rest; only the parameters of function prototypes (and, in the header, anonymous bodies)
 * recurse, {@code nesting} deep, so hostile BTF meets a limit long before the thread's stack ends.
 */
final class CDeclarator {
    /** What a user of the declarator contributes. */
    interface Host {
        /** The spelling of a type that ends a chain (int, struct, typedef, ...). */
        String base(int id, Type t, int nesting);

        /** Called once per step along a chain with what is built so far: throws when a budget is spent. */
        void step(int start, String inner, CharSequence prefix);

        /** The exception for a chain that does not end within {@code maxChain} steps (a reference cycle). */
        BtfException chainTooLong(int start, int maxChain);

        /** The exception for prototypes (or bodies) nested deeper than {@link Btf#MAX_NESTING}. */
        BtfException nestedTooDeep(int id);
    }

    private CDeclarator() {}

    /** The declaration of {@code inner} (a name, or empty for a type name) as type {@code id}. */
    static String declare(Btf btf, int id, String inner, int nesting, int maxChain, Host host) {
        if (nesting > Btf.MAX_NESTING) {
            throw host.nestedTooDeep(id);
        }
        StringBuilder prefix = new StringBuilder();
        int start = id;
        for (int chain = 0; chain <= maxChain; chain++) {
            host.step(start, inner, prefix);
            Type t = btf.type(id);
            switch (t) {
                case Type.Ptr p -> {
                    Type target = btf.type(p.targetId());
                    boolean paren = target instanceof Type.Array || target instanceof Type.FuncProto;
                    inner = paren ? "(*" + inner + ")" : "*" + inner;
                    id = p.targetId();
                }
                case Type.Array a -> {
                    inner = inner + "[" + Integer.toUnsignedString(a.length()) + "]";
                    id = a.elementId();
                }
                case Type.Const c -> {
                    inner = qualify(btf, "const", c.targetId(), inner, prefix);
                    id = c.targetId();
                }
                case Type.Volatile v -> {
                    inner = qualify(btf, "volatile", v.targetId(), inner, prefix);
                    id = v.targetId();
                }
                case Type.Restrict r -> {
                    inner = qualify(btf, "restrict", r.targetId(), inner, prefix);
                    id = r.targetId();
                }
                case Type.TypeTag tt -> id = tt.targetId();
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
                        args.append(
                                p.typeId() == 0 && i == ps.size() - 1
                                        ? "..."
                                        : declare(btf, p.typeId(), "", nesting + 1, maxChain, host)
                                                .strip());
                        host.step(start, args.toString(), prefix);
                    }
                    inner = args.append(')').toString();
                    id = fp.returnTypeId();
                }
                default -> {
                    String base = host.base(id, t, nesting);
                    return prefix
                            + (inner.isEmpty() ? base : inner.startsWith("[") ? base + inner : base + " " + inner);
                }
            }
        }
        throw host.chainTooLong(start, maxChain);
    }

    /** A qualifier of a pointer goes after its star ({@code int *const p}); any other one before the whole declaration. */
    private static String qualify(Btf btf, String q, int target, String inner, StringBuilder prefix) {
        if (btf.type(target) instanceof Type.Ptr) {
            return q + (inner.isEmpty() ? "" : " " + inner);
        }
        // Once: "const" on an array of const chars is one qualifier in C (clang warns on two).
        if (!(" " + prefix).contains(" " + q + " ")) {
            prefix.append(q).append(' ');
        }
        return inner;
    }
}
