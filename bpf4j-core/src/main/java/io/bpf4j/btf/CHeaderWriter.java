package io.bpf4j.btf;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dumps BTF as a C header in the style of {@code vmlinux.h}: every named struct and union forward
 * declared, enums next, then typedefs and struct/union definitions in an order that compiles
 * (a type used by value is defined before its user), anonymous members inline, bitfields,
 * function pointers, explicit padding where BTF offsets are not C's natural ones, and records
 * marked {@code preserve_access_index} for CO-RE. Names that occur twice get a {@code ___N} suffix.
 *
 * <pre>{@code
 * Files.writeString(dir.resolve("vmlinux.h"), CHeaderWriter.write(KernelBtf.vmlinux()));
 * }</pre>
 */
public final class CHeaderWriter {
    private final Btf btf;
    private final StringBuilder out = new StringBuilder(1 << 20);
    private final Map<Integer, String> names = new HashMap<>();
    private final byte[] state; // 0 untouched, 1 in progress, 2 emitted/defined
    private final Set<String> enumerators = new HashSet<>();

    private CHeaderWriter(Btf btf) {
        this.btf = btf;
        this.state = new byte[btf.typeCount()];
    }

    /** The header text for every type of {@code btf} (base types included for split BTF). */
    public static String write(Btf btf) {
        return new CHeaderWriter(btf).dump();
    }

    private String dump() {
        out.append("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n");
        out.append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n");
        out.append("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n\n");
        assignNames();
        for (int id = 1; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            if ((t instanceof Type.Struct || t instanceof Type.Union) && !t.name().isEmpty()) {
                out.append(t instanceof Type.Struct ? "struct " : "union ").append(names.get(id)).append(";\n");
            }
        }
        out.append('\n');
        for (int id = 1; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            // Anonymous enums too: they carry constants programs use by name (BPF_ANY, BPF_F_*).
            if (t instanceof Type.Enum || t instanceof Type.Enum64) {
                out.append(enumBody(id, "")).append(";\n\n");
            }
        }
        for (int id = 1; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            if ((t instanceof Type.Struct || t instanceof Type.Union) && !t.name().isEmpty()) {
                visit(id, true, 0);
            } else if (t instanceof Type.Typedef && !t.name().startsWith("__builtin_")) {
                visit(id, false, 0);
            }
        }
        out.append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n#endif /* __VMLINUX_H__ */\n");
        return out.toString();
    }

    /** Unique C names for named structs/unions, enums and typedefs (each its own namespace, as in C). */
    private void assignNames() {
        Map<String, Integer> tags = new HashMap<>();
        Map<String, Integer> ordinary = new HashMap<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            String n = t.name();
            if (n.isEmpty()) {
                continue;
            }
            Map<String, Integer> ns = switch (t) {
                case Type.Struct s -> tags;
                case Type.Union u -> tags;
                case Type.Enum e -> tags;
                case Type.Enum64 e -> tags;
                case Type.Fwd f -> tags;
                case Type.Typedef d -> ordinary;
                default -> null;
            };
            if (ns == null) {
                continue;
            }
            if (t instanceof Type.Fwd) {
                ns.putIfAbsent(n, 1);
                names.put(id, n);
                continue;
            }
            int seen = ns.merge(n, 1, Integer::sum);
            names.put(id, seen == 1 ? n : n + "___" + seen);
        }
    }

    /** Makes sure everything {@code id} needs is emitted; {@code byValue} when its size matters. */
    private void visit(int id, boolean byValue, int depth) {
        if (depth > 4096) {
            throw new BtfException("type [" + id + "] nests too deeply to write as C");
        }
        Type t = btf.type(id);
        switch (t) {
            case Type.Ptr p -> visit(p.targetId(), false, depth + 1);
            case Type.Array a -> visit(a.elementId(), true, depth + 1); // C needs complete element types
            case Type.Const c -> visit(c.targetId(), byValue, depth + 1);
            case Type.Volatile v -> visit(v.targetId(), byValue, depth + 1);
            case Type.Restrict r -> visit(r.targetId(), byValue, depth + 1);
            case Type.TypeTag tt -> visit(tt.targetId(), byValue, depth + 1);
            case Type.FuncProto fp -> {
                visit(fp.returnTypeId(), false, depth + 1);
                for (Type.Param p : fp.params()) {
                    visit(p.typeId(), false, depth + 1);
                }
            }
            case Type.Typedef d -> {
                if (byValue) {
                    visit(d.targetId(), true, depth + 1);
                }
                if (state[id] == 0 && d.name().startsWith("__builtin_")) {
                    state[id] = 2; // clang's own (__builtin_va_list): redefining it is an error
                } else if (state[id] == 0) {
                    state[id] = 1;
                    visit(d.targetId(), false, depth + 1);
                    out.append("typedef ").append(declare(d.targetId(), names.get(id), 0)).append(";\n\n");
                    state[id] = 2;
                }
            }
            case Type.Struct s -> composite(id, s.name(), s.members(), byValue, depth);
            case Type.Union u -> composite(id, u.name(), u.members(), byValue, depth);
            default -> { }
        }
    }

    private void composite(int id, String name, List<Type.Member> members, boolean byValue, int depth) {
        if (name.isEmpty()) {
            for (Type.Member m : members) {
                visit(m.typeId(), true, depth + 1); // defined inline: its members are ours
            }
            return;
        }
        if (!byValue || state[id] != 0) {
            return;
        }
        state[id] = 1;
        for (Type.Member m : members) {
            visit(m.typeId(), true, depth + 1);
        }
        out.append(compositeBody(id, 0)).append(";\n\n");
        state[id] = 2;
    }

    private String compositeBody(int id, int indent) {
        Type t = btf.type(id);
        boolean union = t instanceof Type.Union;
        List<Type.Member> ms = union ? ((Type.Union) t).members() : ((Type.Struct) t).members();
        int size = union ? ((Type.Union) t).size() : ((Type.Struct) t).size();
        String pad = "\t".repeat(indent + 1);
        StringBuilder sb = new StringBuilder(union ? "union" : "struct");
        if (!t.name().isEmpty()) {
            sb.append(' ').append(names.get(id));
        }
        sb.append(" {\n");
        boolean packed = !union && btf.alignof(id) == 1 && naturalAlign(ms) > 1;
        long bit = 0; // end of the previous member, in bits
        for (Type.Member m : ms) {
            if (!union) {
                bit = padTo(sb, pad, bit, m, m.bitfieldSize() == 0 && !packed ? btf.alignof(m.typeId()) : 1);
            }
            sb.append(pad).append(declare(m.typeId(), m.name(), indent + 1));
            if (m.bitfieldSize() != 0) {
                sb.append(": ").append(m.bitfieldSize());
            }
            sb.append(";\n");
            long end = m.bitOffset() + (m.bitfieldSize() != 0 ? m.bitfieldSize() : 8 * btf.sizeof(m.typeId()));
            bit = Math.max(bit, end);
        }
        if (!union) {
            long natural = packed ? bit : alignUp(bit, 8L * btf.alignof(id));
            long target = 8L * size;
            if (target > natural) {
                padBits(sb, pad, bit, target);
            }
        }
        sb.append("\t".repeat(indent)).append('}');
        if (packed) {
            sb.append(" __attribute__((packed))");
        }
        return sb.toString();
    }

    private int naturalAlign(List<Type.Member> ms) {
        int a = 1;
        for (Type.Member m : ms) {
            a = Math.max(a, btf.alignof(m.typeId()));
        }
        return a;
    }

    /** Adds unnamed bitfields so that a member lands at its BTF offset where C would place it earlier. */
    private long padTo(StringBuilder sb, String pad, long bit, Type.Member m, int align) {
        long natural = m.bitfieldSize() != 0 ? bit : alignUp(bit, 8L * align);
        if (m.bitOffset() > natural && m.bitfieldSize() == 0) {
            padBits(sb, pad, bit, m.bitOffset());
            return m.bitOffset();
        }
        if (m.bitfieldSize() != 0 && m.bitOffset() > bit) {
            // A bitfield after a gap: pad up to the byte, then with whole bytes.
            padBits(sb, pad, bit, m.bitOffset());
            return m.bitOffset();
        }
        return bit;
    }

    private static void padBits(StringBuilder sb, String pad, long from, long to) {
        long bit = from;
        while (bit < to) {
            long inUnit = bit % 64;
            int n = (int) Math.min(to - bit, 64 - inUnit);
            sb.append(pad).append("long: ").append(n).append(";\n");
            bit += n;
        }
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) / a * a;
    }

    private String enumBody(int id, String indent) {
        Type t = btf.type(id);
        List<Type.Enumerator> values = t instanceof Type.Enum e ? e.values() : ((Type.Enum64) t).values();
        boolean signed = t instanceof Type.Enum e ? e.signed() : ((Type.Enum64) t).signed();
        StringBuilder sb = new StringBuilder("enum");
        if (!t.name().isEmpty()) {
            sb.append(' ').append(names.get(id));
        }
        sb.append(" {\n");
        for (Type.Enumerator v : values) {
            String n = v.name();
            int k = 2;
            while (!enumerators.add(n)) {
                n = v.name() + "___" + k++;
            }
            String num = signed ? Long.toString(v.value()) : Long.toUnsignedString(v.value());
            if (t instanceof Type.Enum64) {
                num += signed ? "LL" : "ULL";
            } else if (!signed && v.value() > Integer.MAX_VALUE) {
                num += "U";
            }
            sb.append(indent).append('\t').append(n).append(" = ").append(num).append(",\n");
        }
        sb.append(indent).append('}');
        int size = t instanceof Type.Enum e ? e.size() : ((Type.Enum64) t).size();
        // C enums are int-sized; BTF keeps the kernel's packed and 64-bit ones.
        String mode = switch (size) {
            case 1 -> "QI";
            case 2 -> "HI";
            case 8 -> "DI";
            default -> "";
        };
        if (!mode.isEmpty()) {
            sb.append(" __attribute__((mode(").append(mode).append(")))");
        }
        return sb.toString();
    }

    /** A C declaration of {@code name} with type {@code id}; anonymous structs, unions and enums inline. */
    private String declare(int id, String name, int indent) {
        return decl(id, name, indent, 0).strip();
    }

    private String decl(int id, String inner, int indent, int depth) {
        if (depth > 4096) {
            throw new BtfException("type [" + id + "] nests too deeply to write as C");
        }
        Type t = btf.type(id);
        return switch (t) {
            case Type.Ptr p -> {
                Type target = btf.type(p.targetId());
                boolean paren = target instanceof Type.Array || target instanceof Type.FuncProto;
                yield decl(p.targetId(), paren ? "(*" + inner + ")" : "*" + inner, indent, depth + 1);
            }
            case Type.Array a -> decl(a.elementId(), inner + "[" + Integer.toUnsignedString(a.length()) + "]", indent, depth + 1);
            case Type.Const c -> qualified("const", c.targetId(), inner, indent, depth);
            case Type.Volatile v -> qualified("volatile", v.targetId(), inner, indent, depth);
            case Type.Restrict r -> qualified("restrict", r.targetId(), inner, indent, depth);
            case Type.TypeTag tt -> decl(tt.targetId(), inner, indent, depth + 1);
            case Type.FuncProto fp -> {
                StringBuilder args = new StringBuilder(inner).append('(');
                if (fp.params().isEmpty()) {
                    args.append("void");
                }
                for (int i = 0; i < fp.params().size(); i++) {
                    Type.Param p = fp.params().get(i);
                    if (i > 0) {
                        args.append(", ");
                    }
                    args.append(p.typeId() == 0 && i == fp.params().size() - 1 ? "..." : decl(p.typeId(), "", indent, depth + 1).strip());
                }
                yield decl(fp.returnTypeId(), args.append(')').toString(), indent, depth + 1);
            }
            default -> {
                String base = baseName(id, t, indent);
                yield inner.isEmpty() ? base : inner.startsWith("[") ? base + " " + inner : base + " " + inner;
            }
        };
    }

    private String qualified(String q, int target, String inner, int indent, int depth) {
        if (btf.type(target) instanceof Type.Ptr) {
            return decl(target, q + " " + inner, indent, depth + 1);
        }
        return q + " " + decl(target, inner, indent, depth + 1);
    }

    private String baseName(int id, Type t, int indent) {
        return switch (t) {
            case Type.Void v -> "void";
            case Type.Struct s -> s.name().isEmpty() ? compositeBody(id, indent) : "struct " + names.get(id);
            case Type.Union u -> u.name().isEmpty() ? compositeBody(id, indent) : "union " + names.get(id);
            case Type.Enum e -> e.name().isEmpty() ? enumBody(id, "\t".repeat(indent)) : "enum " + names.get(id);
            case Type.Enum64 e -> e.name().isEmpty() ? enumBody(id, "\t".repeat(indent)) : "enum " + names.get(id);
            case Type.Fwd f -> (f.union() ? "union " : "struct ") + f.name();
            case Type.Typedef d -> names.get(id);
            case Type.Int i -> i.name();
            case Type.Float f -> f.name();
            default -> throw new BtfException("type [" + id + "] " + btf.describe(id) + " cannot appear in a C declaration");
        };
    }
}
