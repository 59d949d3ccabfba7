package io.bpf4j.btf;

import java.util.ArrayDeque;
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
 * An enum without values (BTF's enum forward declaration) is written as {@code enum name;}, as
 * libbpf's {@code btf_dump} does; an anonymous one as the integer of its size.
 *
 * <p>Hostile or corrupt BTF cannot make the writer run out of stack or memory: padding of any
 * size is one line, walks along type chains are loops, nesting is bounded, and the header is
 * refused with a {@link BtfException} once it would exceed 16 MiB plus 16 characters per byte
 * of BTF (the kernel's ~5 MB BTF gives about 4 MB of header).
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
    /** The next ___N suffix to try per enumerator name, so many equal names cost linear time. */
    private final Map<String, Integer> enumeratorSuffix = new HashMap<>();
    /** Per type id: 1 when visit(id, false) finished, 2 when visit(id, true) did (which covers false). */
    private final byte[] visited;
    /** Per type id: the strongest visit of it on the work stack (1 not by value, 2 by value). */
    private final byte[] onStack;

    private final long maxChars;
    /** Steps walked along declarator chains, against {@link #maxSteps}. */
    private long steps;

    private final long maxSteps;

    /** The longest chain of pointers, arrays, modifiers and typedefs followed in one declaration. */
    private static final int MAX_CHAIN = 4096;
    /** How deep anonymous structs, unions and function-pointer parameters nest in one declaration (recursion). */
    private static final int MAX_NESTING = Btf.MAX_NESTING;
    /**
     * From this many bytes on, a gap is one {@code char} array instead of {@code long: 64} lines
     * (libbpf's form, kept for the kernel's page-sized gaps).
     */
    private static final long ARRAY_PAD_BYTES = 8192;

    private CHeaderWriter(Btf btf) {
        this.btf = btf;
        this.state = new byte[btf.typeCount()];
        this.visited = new byte[btf.typeCount()];
        this.onStack = new byte[btf.typeCount()];
        this.maxChars = (16L << 20) + 16 * btf.byteSize();
        this.maxSteps = (16L << 20) + 64 * btf.byteSize();
    }

    /**
     * The header text for every type of {@code btf} (base types included for split BTF).
     *
     * @throws BtfException when a type cannot be written as C (a typedef without a name, a
     *         reference cycle, nesting deeper than 256 levels) or the header would exceed the
     *         size limit of this class
     */
    public static String write(Btf btf) {
        return new CHeaderWriter(btf).dump();
    }

    private String dump() {
        out.append("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n");
        out.append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n");
        out.append(
                "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n\n");
        assignNames();
        for (int id = 1; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            if ((t instanceof Type.Struct || t instanceof Type.Union)
                    && !t.name().isEmpty()) {
                out.append(t instanceof Type.Struct ? "struct " : "union ")
                        .append(names.get(id))
                        .append(";\n");
            } else if (t instanceof Type.Fwd f && !f.name().isEmpty() && !defined(f.name())) {
                // A struct only ever declared (BTF FWD): declared here, or its first use in a
                // prototype's parameters would declare it there alone (clang: -Wvisibility).
                out.append(f.union() ? "union " : "struct ").append(f.name()).append(";\n");
            }
        }
        out.append('\n');
        for (int id = 1; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            // Anonymous enums too: they carry constants programs use by name (BPF_ANY, BPF_F_*).
            if (t instanceof Type.Enum || t instanceof Type.Enum64) {
                if (enumValues(t).isEmpty()) {
                    // BTF's enum forward declaration: "enum {}" is an error in C ("use of empty enum").
                    if (!t.name().isEmpty()) {
                        out.append("enum ").append(names.get(id)).append(";\n\n");
                    }
                } else {
                    out.append(enumBody(id, "", 0)).append(";\n\n");
                }
                checkSize(0);
            }
        }
        for (int id = 1; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            if ((t instanceof Type.Struct || t instanceof Type.Union)
                    && !t.name().isEmpty()) {
                visit(id, true);
            } else if (t instanceof Type.Typedef && !t.name().startsWith("__builtin_")) {
                visit(id, false);
            }
        }
        out.append(
                "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n#endif /* __VMLINUX_H__ */\n");
        return out.toString();
    }

    /** Unique C names for named structs/unions, enums and typedefs (each its own namespace, as in C). */
    private void assignNames() {
        Map<String, Integer> tags = new HashMap<>();
        Map<String, Integer> ordinary = new HashMap<>();
        Map<String, Boolean> fwdOnly = new HashMap<>(); // tag held by a FWD only -> is it a union
        for (int id = 1; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            String n = t.name();
            if (n.isEmpty()) {
                continue;
            }
            Map<String, Integer> ns =
                    switch (t) {
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
            if (t instanceof Type.Fwd f) {
                // A forward declaration holds its tag against an enum of the same name, but the
                // struct or union it declares takes the name as it is (5.10's BTF has FWD iomap
                // before STRUCT iomap: a "iomap___2" left "struct iomap" undeclared).
                if (ns.putIfAbsent(n, 1) == null) {
                    fwdOnly.put(n, f.union());
                }
                names.put(id, n);
                continue;
            }
            if ((t instanceof Type.Struct || t instanceof Type.Union) && fwdOnly.remove(n, t instanceof Type.Union)) {
                names.put(id, n);
                continue;
            }
            int seen = ns.merge(n, 1, Integer::sum);
            names.put(id, seen == 1 ? n : n + "___" + seen);
        }
    }

    /** A type on the work stack of {@link #visit}: what it needs first, then what it writes. */
    private static final class Frame {
        final int id;
        final boolean byValue;
        final byte wasOnStack;
        int[] needs;
        boolean[] needsByValue;
        Runnable then;
        /** A typedef decides whether it writes itself only after its target is complete (when by value). */
        boolean typedefPending;

        int next;

        Frame(int id, boolean byValue, int[] needs, boolean[] needsByValue, Runnable then, byte wasOnStack) {
            this.id = id;
            this.byValue = byValue;
            this.needs = needs;
            this.needsByValue = needsByValue;
            this.then = then;
            this.wasOnStack = wasOnStack;
        }
    }

    /**
     * Makes sure everything {@code root} needs is emitted; {@code byValue} when its size matters.
     * A depth-first walk on an explicit stack (kernel types nest deep, hostile ones without end);
     * a type already visited, or being visited further up, is not walked again.
     */
    private void visit(int root, boolean byValue) {
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        enter(root, byValue, stack);
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (f.next == f.needs.length && f.typedefPending) {
                f.typedefPending = false;
                startTypedef(f, (Type.Typedef) btf.type(f.id));
            }
            if (f.next < f.needs.length) {
                int i = f.next++;
                enter(f.needs[i], f.needsByValue[i], stack);
                continue;
            }
            stack.pop();
            if (f.then != null) {
                f.then.run();
            }
            onStack[f.id] = f.wasOnStack;
            visited[f.id] = (byte) Math.max(visited[f.id], f.byValue ? 2 : 1);
        }
    }

    private void enter(int id, boolean byValue, ArrayDeque<Frame> stack) {
        int level = byValue ? 2 : 1;
        Type t = btf.type(id);
        // A type being visited further up is not walked again (that ends cycles), except that a
        // typedef used by name while its target is being completed still gets written (its state
        // says whether it is): "struct s { const s_t *self; }" needs "typedef struct s s_t" first.
        boolean busy = t instanceof Type.Typedef ? byValue && onStack[id] == 2 : onStack[id] >= level;
        if (visited[id] >= level || busy) {
            return;
        }
        int[] needs;
        boolean[] needsByValue;
        Runnable then = null;
        switch (t) {
            case Type.Ptr p -> {
                needs = new int[] {p.targetId()};
                needsByValue = new boolean[] {false};
            }
            case Type.Array a -> {
                needs = new int[] {a.elementId()};
                needsByValue = new boolean[] {true}; // C needs complete element types
            }
            case Type.Const c -> {
                needs = new int[] {c.targetId()};
                needsByValue = new boolean[] {byValue};
            }
            case Type.Volatile v -> {
                needs = new int[] {v.targetId()};
                needsByValue = new boolean[] {byValue};
            }
            case Type.Restrict r -> {
                needs = new int[] {r.targetId()};
                needsByValue = new boolean[] {byValue};
            }
            case Type.TypeTag tt -> {
                needs = new int[] {tt.targetId()};
                needsByValue = new boolean[] {byValue};
            }
            case Type.FuncProto fp -> {
                needs = new int[fp.params().size() + 1];
                needsByValue = new boolean[needs.length];
                needs[0] = fp.returnTypeId();
                for (int i = 0; i < fp.params().size(); i++) {
                    needs[i + 1] = fp.params().get(i).typeId();
                }
            }
            case Type.Typedef d -> {
                // As a by-value use needs: the target complete first, then the typedef (see startTypedef).
                needs = byValue ? new int[] {d.targetId()} : new int[0];
                needsByValue = byValue ? new boolean[] {true} : new boolean[0];
                Frame f = new Frame(id, byValue, needs, needsByValue, null, onStack[id]);
                f.typedefPending = true;
                stack.push(f);
                onStack[id] = (byte) Math.max(onStack[id], level);
                return;
            }
            case Type.Struct s -> {
                List<Type.Member> ms = s.members();
                if (!s.name().isEmpty() && (!byValue || state[id] != 0)) {
                    return;
                }
                needs = new int[ms.size()];
                needsByValue = new boolean[ms.size()];
                for (int i = 0; i < ms.size(); i++) {
                    needs[i] = ms.get(i).typeId();
                    needsByValue[i] = true; // anonymous ones are defined inline: their members are ours
                }
                then = compositeThen(id, s.name());
            }
            case Type.Union u -> {
                List<Type.Member> ms = u.members();
                if (!u.name().isEmpty() && (!byValue || state[id] != 0)) {
                    return;
                }
                needs = new int[ms.size()];
                needsByValue = new boolean[ms.size()];
                for (int i = 0; i < ms.size(); i++) {
                    needs[i] = ms.get(i).typeId();
                    needsByValue[i] = true;
                }
                then = compositeThen(id, u.name());
            }
            default -> {
                visited[id] = 2;
                return;
            }
        }
        stack.push(new Frame(id, byValue, needs, needsByValue, then, onStack[id]));
        onStack[id] = (byte) Math.max(onStack[id], level);
    }

    /** The typedef's own part of its visit: written once, after what its target needs by name. */
    private void startTypedef(Frame f, Type.Typedef d) {
        int id = f.id;
        if (state[id] == 0 && d.name().startsWith("__builtin_")) {
            state[id] = 2; // clang's own (__builtin_va_list): redefining it is an error
        } else if (state[id] == 0) {
            if (names.get(id) == null) {
                throw new BtfException("type [" + id + "] is a TYPEDEF without a name: not valid C"
                        + " (the kernel refuses such BTF too)");
            }
            state[id] = 1;
            f.needs = new int[] {d.targetId()};
            f.needsByValue = new boolean[] {false};
            f.next = 0;
            f.then = () -> {
                out.append("typedef ")
                        .append(declare(d.targetId(), names.get(id), 0))
                        .append(";\n\n");
                checkSize(0);
                state[id] = 2;
            };
        }
    }

    /** For a named struct or union: marks it in progress now, and returns what writes its definition. */
    private Runnable compositeThen(int id, String name) {
        if (name.isEmpty()) {
            return null;
        }
        state[id] = 1;
        return () -> {
            out.append(compositeBody(id, 0, 0)).append(";\n\n");
            checkSize(0);
            state[id] = 2;
        };
    }

    /** Refuses a header grown past {@link #maxChars}; {@code pending} is what is built but not yet in {@code out}. */
    private void checkSize(long pending) {
        if (out.length() + pending > maxChars) {
            throw new BtfException("the C header of this BTF (" + btf.byteSize() + " bytes) would exceed " + maxChars
                    + " characters: hostile or corrupt BTF (huge padding, or anonymous types repeated without end)");
        }
    }

    /** Whether a struct or union of this name has a definition (its tag is declared above then). */
    private boolean defined(String name) {
        for (int id : btf.idsByName(name)) {
            if (btf.type(id) instanceof Type.Struct || btf.type(id) instanceof Type.Union) {
                return true;
            }
        }
        return false;
    }

    private String compositeBody(int id, int indent, int nesting) {
        Type t = btf.type(id);
        boolean union = t instanceof Type.Union;
        List<Type.Member> ms = union ? ((Type.Union) t).members() : ((Type.Struct) t).members();
        int size = union ? ((Type.Union) t).size() : ((Type.Struct) t).size();
        String pad = "\t".repeat(Math.min(indent + 1, MAX_NESTING));
        StringBuilder sb = new StringBuilder(union ? "union" : "struct");
        if (!t.name().isEmpty()) {
            sb.append(' ').append(names.get(id));
        }
        sb.append(" {\n");
        // Packed as libbpf's btf_dump judges it: a member off its natural alignment, or a size that
        // is no multiple of the widest member's (unions too: Chrome EC's 18-byte unions of u64s).
        boolean packed = btf.alignof(id) == 1 && naturalAlign(ms) > 1;
        long bit = 0; // end of the previous member, in bits
        int pads = 0;
        for (Type.Member m : ms) {
            if (!union) {
                long before = bit;
                bit = padTo(sb, pad, bit, m, m.bitfieldSize() == 0 && !packed ? btf.alignof(m.typeId()) : 1, pads);
                pads += bit != before ? 1 : 0;
            }
            sb.append(pad)
                    .append(decl(m.typeId(), m.name(), indent + 1, nesting).strip());
            if (m.bitfieldSize() != 0) {
                sb.append(": ").append(m.bitfieldSize());
            }
            sb.append(";\n");
            checkSize(sb.length());
            long end = m.bitOffset() + (m.bitfieldSize() != 0 ? m.bitfieldSize() : 8 * btf.sizeof(m.typeId()));
            bit = Math.max(bit, end);
        }
        if (!union) {
            long natural = packed ? bit : alignUp(bit, 8L * btf.alignof(id));
            long target = 8L * Integer.toUnsignedLong(size);
            if (target > natural) {
                padBits(sb, pad, bit, target, pads);
            }
        }
        sb.append("\t".repeat(Math.min(indent, MAX_NESTING))).append('}');
        if (packed) {
            sb.append(" __attribute__((packed))");
        }
        checkSize(sb.length());
        return sb.toString();
    }

    private int naturalAlign(List<Type.Member> ms) {
        int a = 1;
        for (Type.Member m : ms) {
            a = Math.max(a, btf.alignof(m.typeId()));
        }
        return a;
    }

    /** Adds padding so that a member lands at its BTF offset where C would place it earlier. */
    private long padTo(StringBuilder sb, String pad, long bit, Type.Member m, int align, int pads) {
        long natural = m.bitfieldSize() != 0 ? bit : alignUp(bit, 8L * align);
        if (m.bitOffset() > natural && m.bitfieldSize() == 0) {
            padBits(sb, pad, bit, m.bitOffset(), pads);
            return m.bitOffset();
        }
        if (m.bitfieldSize() != 0 && m.bitOffset() > bit) {
            // A bitfield after a gap: pad up to the byte, then with whole bytes.
            padBits(sb, pad, bit, m.bitOffset(), pads);
            return m.bitOffset();
        }
        return bit;
    }

    /**
     * Padding from bit {@code from} to bit {@code to}: unnamed {@code long} bitfields, as libbpf
     * writes it, while that is at most {@link #ARRAY_PAD_BYTES} bytes; a larger gap is one
     * {@code char __pad_N[bytes]} (bitfields for the bits around it), so that the header's size
     * follows the BTF's size, not the sizes it claims. Neither changes the struct's alignment.
     */
    private static void padBits(StringBuilder sb, String pad, long from, long to, int pads) {
        long firstByte = alignUp(from, 8);
        long lastByte = to / 8 * 8;
        if (lastByte - firstByte >= 8 * ARRAY_PAD_BYTES) {
            bitfieldPad(sb, pad, from, firstByte);
            sb.append(pad)
                    .append("char __pad_")
                    .append(pads)
                    .append('[')
                    .append((lastByte - firstByte) / 8)
                    .append("];\n");
            bitfieldPad(sb, pad, lastByte, to);
        } else {
            bitfieldPad(sb, pad, from, to);
        }
    }

    private static void bitfieldPad(StringBuilder sb, String pad, long from, long to) {
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

    private static List<Type.Enumerator> enumValues(Type t) {
        return t instanceof Type.Enum e ? e.values() : ((Type.Enum64) t).values();
    }

    @SuppressWarnings("UnusedVariable") // nesting: same shape as compositeBody; an enum nests no type
    private String enumBody(int id, String indent, int nesting) {
        Type t = btf.type(id);
        List<Type.Enumerator> values = enumValues(t);
        boolean signed = t instanceof Type.Enum e ? e.signed() : ((Type.Enum64) t).signed();
        StringBuilder sb = new StringBuilder("enum");
        if (!t.name().isEmpty()) {
            sb.append(' ').append(names.get(id));
        }
        sb.append(" {\n");
        for (Type.Enumerator v : values) {
            String n = v.name();
            if (!enumerators.add(n)) {
                int k = enumeratorSuffix.getOrDefault(v.name(), 2);
                do {
                    n = v.name() + "___" + k++;
                } while (!enumerators.add(n));
                enumeratorSuffix.put(v.name(), k);
            }
            String num = signed ? Long.toString(v.value()) : Long.toUnsignedString(v.value());
            if (t instanceof Type.Enum64) {
                num += signed ? "LL" : "ULL";
            } else if (!signed && v.value() > Integer.MAX_VALUE) {
                num += "U";
            }
            sb.append(indent).append('\t').append(n).append(" = ").append(num).append(",\n");
            checkSize(sb.length());
        }
        sb.append(indent).append('}');
        int size = t instanceof Type.Enum e ? e.size() : ((Type.Enum64) t).size();
        String mode = modeOfSize(size);
        if (!mode.isEmpty()) {
            sb.append(" __attribute__((mode(").append(mode).append(")))");
        }
        return sb.toString();
    }

    /** C enums are int-sized; BTF keeps the kernel's packed and 64-bit ones, which GCC's mode attribute spells. */
    private static String modeOfSize(int size) {
        return switch (size) {
            case 1 -> "QI";
            case 2 -> "HI";
            case 8 -> "DI";
            default -> "";
        };
    }

    /** A C declaration of {@code name} with type {@code id}; anonymous structs, unions and enums inline. */
    private String declare(int id, String name, int indent) {
        return decl(id, name, indent, 0).strip();
    }

    /** The declaration of {@code inner} as type {@code id}, anonymous bodies inline at {@code indent}. */
    private String decl(int id, String inner, int indent, int nesting) {
        return CDeclarator.declare(btf, id, inner, nesting, MAX_CHAIN, new CDeclarator.Host() {
            @Override
            public String base(int at, Type t, int depth) {
                return baseName(at, t, indent, depth);
            }

            @Override
            public void step(int start, String built, CharSequence prefix) {
                if (++steps > maxSteps) {
                    throw new BtfException("writing type [" + start + "] as C takes more than " + maxSteps
                            + " steps: hostile or corrupt BTF");
                }
                checkSize(built.length() + prefix.length());
            }

            @Override
            public BtfException chainTooLong(int start, int maxChain) {
                return new BtfException(
                        "type [" + start + "] nests too deeply to write as C: its pointer/array/modifier"
                                + " chain does not end within " + maxChain + " steps (a reference cycle)");
            }

            @Override
            public BtfException nestedTooDeep(int at) {
                return new BtfException("type [" + at + "] nests anonymous types or function prototypes deeper than "
                        + MAX_NESTING + " levels: a reference cycle, or hostile BTF");
            }
        });
    }

    private String baseName(int id, Type t, int indent, int nesting) {
        return switch (t) {
            case Type.Void v -> "void";
            case Type.Struct s ->
                s.name().isEmpty() ? compositeBody(id, indent, nesting + 1) : "struct " + names.get(id);
            case Type.Union u -> u.name().isEmpty() ? compositeBody(id, indent, nesting + 1) : "union " + names.get(id);
            case Type.Enum e -> enumName(id, e.name(), e.values().isEmpty(), e.size(), e.signed(), indent, nesting);
            case Type.Enum64 e -> enumName(id, e.name(), e.values().isEmpty(), e.size(), e.signed(), indent, nesting);
            case Type.Fwd f -> (f.union() ? "union " : "struct ") + f.name();
            case Type.Typedef d -> {
                String n = names.get(id);
                if (n == null) {
                    throw new BtfException("type [" + id + "] is a TYPEDEF without a name: not valid C"
                            + " (the kernel refuses such BTF too)");
                }
                yield n;
            }
            case Type.Int i -> i.name();
            case Type.Float f -> f.name();
            default ->
                throw new BtfException("type [" + id + "] " + btf.describe(id) + " cannot appear in a C declaration");
        };
    }

    /** A named enum by its tag; an anonymous one inline, or when it has no values the integer of its size. */
    private String enumName(int id, String name, boolean empty, int size, boolean signed, int indent, int nesting) {
        if (!name.isEmpty()) {
            return "enum " + names.get(id);
        }
        if (empty) {
            String u = signed ? "" : "unsigned ";
            return switch (size) {
                case 1 -> signed ? "signed char" : "unsigned char";
                case 2 -> u + "short";
                case 8 -> u + "long long";
                default -> u + "int";
            };
        }
        return enumBody(id, "\t".repeat(Math.min(indent, MAX_NESTING)), nesting + 1);
    }
}
