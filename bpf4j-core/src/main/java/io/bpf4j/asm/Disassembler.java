package io.bpf4j.asm;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns instructions into the text llvm-objdump prints for BPF, and a {@link Listing} into text
 * the {@link Assembler} reads back: {@code disassemble(assemble(text))} is {@code text} for text
 * in this canonical form.
 *
 * <p>Each instruction reads as llvm-objdump-16 prints it ({@code r1 = *(u32 *)(r2 + 0x4)},
 * {@code if r1 == 0x0 goto +0x3}, {@code lock *(u64 *)(r1 + 0x0) += r2}); instructions LLVM 16
 * does not know read as later LLVM releases print them ({@code r1 s/= r2}, {@code r1 = (s8)r2},
 * {@code r1 = *(s16 *)(r2 + 0x0)}, {@code gotol +0x5}, {@code r1 = bswap32 r1},
 * {@code if r1 & 0x1 goto +0x2}, {@code *(u32 *)(r1 + 0x0) = 0x1}, {@code may_goto +0x3},
 * {@code load_acquire}/{@code store_release}). An encoding the kernel would refuse (an unknown
 * opcode, a field that must be zero but is not) reads as {@code .quad 0x...}, its 8 bytes as a
 * little-endian number, which the assembler (and LLVM's) turns back into the same bytes.
 *
 * <p>A listing adds names where it has them: {@code LBB0_2:} lines for labels,
 * {@code goto LBB0_2} for jumps to them, {@code call bpf_map_lookup_elem} for helpers,
 * {@code r1 = map[events] ll} and {@code r1 = map[.data] + 0x8 ll} for map references,
 * {@code call kfunc[name]}, {@code r1 = ksym[name] ll}, {@code r1 = func[name] ll}, and
 * {@code ; source [file:line]} comment lines before the first instruction of each source line. Without a name a pseudo reference prints its number ({@code map[fd:0x5]},
 * {@code map[idx:0x1]}, {@code ksym[id:0x2a]}, {@code kfunc[id:0x2a]}, {@code call pc+0x3},
 * {@code func[pc+0x3]}).
 *
 * <pre>{@code
 * Disassembler.format(Instruction.mov64Imm(Reg.R0, 2));      // "r0 = 0x2"
 * String text = Disassembler.disassemble(Assembler.assemble(source));
 * }</pre>
 */
public final class Disassembler {

    /** What to print besides each instruction's text. */
    public enum Option {
        /** The slot number before each instruction, as llvm-objdump does ({@code   12:\t}). */
        OFFSETS,
        /** The instruction's bytes in hex before its text, as llvm-objdump does. */
        BYTES,
        /** Source lines ({@code ; text} and its {@code file:line:column}) from the listing's line info. */
        SOURCE,
        /**
         * Numbers only, exactly as llvm-objdump prints: no helper, map or label names in
         * instructions, pseudo {@code lddw} as {@code ld_pseudo}, jumps as {@code +0x3 <label>}.
         */
        OBJDUMP,
        /**
         * The kernel verifier's and bpftool's syntax instead of LLVM's, as {@code bpftool prog dump
         * xlated} prints it: {@code    4: (18) r1 = map[id:5]}, decimal immediates, {@code goto pc+3}.
         */
        BPFTOOL
    }

    private static final String[] SIZE = {"u32", "u16", "u8", "u64"};
    private static final String[] SSIZE = {"s32", "s16", "s8", "s64"};
    private static final String[] ALU_OP = {
        "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", null, "%=", "^=", "=", "s>>=", null, null, null
    };
    private static final String[] JMP_OP = {
        null, "==", ">", ">=", "&", "!=", "s>", "s>=", null, null, "<", "<=", "s<", "s<=", null, null
    };

    private Disassembler() {}

    /**
     * One instruction as llvm-objdump prints it, with no jump-target symbol: {@code r0 = 0x2}.
     * An encoding the kernel would refuse prints as {@code .quad 0x...}.
     */
    public static String format(Instruction in) {
        return text(in, -1, null, true);
    }

    /**
     * One instruction as the kernel verifier and bpftool print it: {@code (b7) r0 = 0}.
     */
    public static String formatKernel(Instruction in) {
        return KernelSyntax.format(in);
    }

    /** A listing in canonical form (labels, names, and {@link Option#SOURCE source lines}). */
    public static String disassemble(Listing listing) {
        return disassemble(listing, EnumSet.of(Option.SOURCE));
    }

    /** Plain instructions in canonical form. */
    public static String disassemble(List<Instruction> instructions) {
        return disassemble(Listing.of(instructions));
    }

    /**
     * A listing with the chosen options, one instruction per line, labels on their own lines
     * ({@code name:}), instructions indented by a tab.
     */
    public static String disassemble(Listing listing, Set<Option> options) {
        boolean objdump = options.contains(Option.OBJDUMP);
        StringBuilder sb = new StringBuilder();
        TreeMap<Integer, String> labels = new TreeMap<>(listing.labels());
        Listing.Line shown = null;
        int slot = 0;
        for (Instruction in : listing.instructions()) {
            String label = labels.get(slot);
            if (label != null) {
                if (sb.length() > 0 && objdump) {
                    sb.append('\n');
                }
                sb.append(label).append(":\n");
            }
            Listing.Line line = listing.lines().get(slot);
            if (line != null
                    && line.line() > 0
                    && options.contains(Option.SOURCE)
                    && (shown == null
                            || shown.line() != line.line()
                            || !shown.file().equals(line.file()))) {
                // One comment per source line, as llvm-objdump -S prints it, with the file's base name.
                String file = line.file().substring(line.file().lastIndexOf('/') + 1);
                sb.append("; ")
                        .append(line.text().strip())
                        .append(" [")
                        .append(file)
                        .append(':')
                        .append(line.line())
                        .append("]\n");
                shown = line;
            }
            if (options.contains(Option.BPFTOOL)) {
                sb.append(String.format("%4d: ", slot))
                        .append(KernelSyntax.format(in))
                        .append('\n');
                slot += in.slots();
                continue;
            }
            if (options.contains(Option.OFFSETS)) {
                sb.append(String.format("%8d:", slot));
            }
            if (options.contains(Option.BYTES)) {
                sb.append('\t').append(hexBytes(in));
            }
            sb.append('\t');
            if (objdump) {
                sb.append(text(in, slot, null, true)).append(objdumpTarget(in, slot, labels));
            } else {
                sb.append(text(in, slot, listing, false));
            }
            sb.append('\n');
            slot += in.slots();
        }
        return sb.toString();
    }

    private static String hexBytes(Instruction in) {
        byte[] b = Instruction.encodeAll(List.of(in));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }

    /** llvm-objdump's {@code <sym>} / {@code <sym+0x10>} after a jump: the nearest label at or before the target. */
    private static String objdumpTarget(Instruction in, int slot, java.util.NavigableMap<Integer, String> labels) {
        int cls = in.opcode() & 7;
        boolean jump = (cls == Opcodes.JMP || cls == Opcodes.JMP32)
                && !isCallOrExit(in)
                && text(in, slot, null, true).indexOf("goto") >= 0;
        if (!jump || labels.isEmpty()) {
            return "";
        }
        long target = slot + 1L + (in.opcode() == (Opcodes.JMP32 | Opcodes.JA) ? in.imm() : in.offset());
        Map.Entry<Integer, String> e = labels.floorEntry((int) target);
        if (e == null) {
            return "";
        }
        long bytes = (target - e.getKey()) * Instruction.SLOT_SIZE;
        return " <" + e.getValue() + (bytes == 0 ? "" : "+0x" + Long.toHexString(bytes)) + ">";
    }

    private static boolean isCallOrExit(Instruction in) {
        int op = in.opcode() & 0xf0;
        return op == Opcodes.CALL || op == Opcodes.EXIT;
    }

    /** Signed hex as LLVM prints immediates: {@code 0x4}, {@code -0x4}. */
    static String hex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }

    private static String reg(boolean wide, int r) {
        return (wide ? "r" : "w") + r;
    }

    private static String mem(int base, int off) {
        return "(r" + base + (off < 0 ? " - " : " + ") + hex(Math.abs(off)) + ")";
    }

    private static String quad(Instruction in) {
        byte[] b = Instruction.encodeAll(List.of(in));
        StringBuilder sb = new StringBuilder();
        for (int at = 0; at < b.length; at += 8) {
            long v = 0;
            for (int i = 7; i >= 0; i--) {
                v = (v << 8) | (b[at + i] & 0xff);
            }
            sb.append(at == 0 ? "" : "\n\t").append(String.format(".quad 0x%016x", v));
        }
        return sb.toString();
    }

    /**
     * The text of one instruction; {@code names} (may be null) supplies labels and references,
     * {@code raw} prints numbers only as llvm-objdump does.
     */
    static String text(Instruction in, int slot, Listing names, boolean raw) {
        String s = decode(in, slot, raw ? null : names, raw);
        return s == null ? quad(in) : s;
    }

    private static String decode(Instruction in, int slot, Listing names, boolean raw) {
        int op = in.opcode();
        int cls = op & 7;
        return switch (cls) {
            case Opcodes.ALU, Opcodes.ALU64 -> alu(in, cls == Opcodes.ALU64);
            case Opcodes.LD -> ld(in, slot, names, raw);
            case Opcodes.LDX -> ldx(in);
            case Opcodes.ST ->
                (op & 0xe0) == Opcodes.MEM && in.src() == 0
                        ? "*(" + SIZE[(op >> 3) & 3] + " *)" + mem(in.dst(), in.offset()) + " = " + hex(in.imm())
                        : null;
            case Opcodes.STX -> stx(in);
            default -> jmp(in, slot, names);
        };
    }

    private static String alu(Instruction in, boolean wide) {
        int op = in.opcode() & 0xf0;
        boolean x = (in.opcode() & Opcodes.X) != 0;
        String dst = reg(wide, in.dst());
        int off = in.offset();
        if (op == Opcodes.END) {
            int imm = in.imm();
            if (in.src() != 0 || off != 0 || (imm != 16 && imm != 32 && imm != 64) || (wide && x)) {
                return null;
            }
            String kind = wide ? "bswap" : x ? "be" : "le";
            return "r" + in.dst() + " = " + kind + imm + " r" + in.dst();
        }
        if (op == Opcodes.NEG) {
            return !x && in.src() == 0 && off == 0 && in.imm() == 0 ? dst + " = -" + dst : null;
        }
        String sym = ALU_OP[op >> 4];
        if (sym == null) {
            return null;
        }
        if (x ? in.imm() != 0 : in.src() != 0) {
            // addr_space_cast is the one register form with an immediate (two address spaces).
            if (!(x && wide && op == Opcodes.MOV && off == 1)) {
                return null;
            }
        }
        String rhs = x ? reg(wide, in.src()) : hex(in.imm());
        if (off != 0) {
            if ((op == Opcodes.DIV || op == Opcodes.MOD) && off == 1) {
                sym = "s" + sym;
            } else if (op == Opcodes.MOV && x && (off == 8 || off == 16 || (off == 32 && wide))) {
                rhs = "(s" + off + ")" + rhs;
            } else if (op == Opcodes.MOV && x && wide && off == 1) {
                return dst + " = addr_space_cast(" + rhs + ", " + hex(in.imm() >>> 16) + ", " + hex(in.imm() & 0xffff)
                        + ")";
            } else {
                return null;
            }
        }
        return dst + " " + sym + " " + rhs;
    }

    private static String ld(Instruction in, int slot, Listing names, boolean raw) {
        int op = in.opcode();
        int mode = op & 0xe0;
        int size = (op >> 3) & 3;
        if (op == Opcodes.LD_IMM64) {
            if (in.offset() != 0 || in.src() > Opcodes.PSEUDO_MAP_IDX_VALUE) {
                return null;
            }
            String dst = "r" + in.dst();
            Reference ref = names == null ? null : names.references().get(slot);
            if (raw) {
                return in.src() == 0
                        ? dst + " = " + hex(in.constant()) + " ll"
                        : "ld_pseudo " + dst + ", " + hex(in.src()) + ", "
                                + hex(in.imm()); // LLVM shows the first slot's imm
            }
            return dst + " = " + pseudo(in, slot, ref, names) + " ll";
        }
        if (size == 3 || (mode != Opcodes.ABS && mode != Opcodes.IND) || in.dst() != 0 || in.offset() != 0) {
            return null;
        }
        if (mode == Opcodes.ABS) {
            return in.src() != 0 ? null : "r0 = *(" + SIZE[size] + " *)skb[" + hex(in.imm()) + "]";
        }
        return in.imm() != 0 ? null : "r0 = *(" + SIZE[size] + " *)skb[r" + in.src() + "]";
    }

    /** The operand of an {@code lddw}: a number, or what a pseudo source names. */
    private static String pseudo(Instruction in, int slot, Reference ref, Listing names) {
        long c = in.constant();
        int lo = (int) c;
        int hi = (int) (c >>> 32);
        return switch (ref) {
            case Reference.MapRef m -> "map[" + m.name() + "]";
            case Reference.MapValueRef v -> "map[" + v.name() + "] + " + hex(v.offset());
            case Reference.KsymRef k -> "ksym[" + k.name() + "]";
            case Reference.FunctionRef f -> "func[" + f.name() + "]";
            case null, default ->
                switch (in.src()) {
                    case Opcodes.PSEUDO_MAP_FD -> "map[fd:" + hex(lo) + "]";
                    case Opcodes.PSEUDO_MAP_IDX -> "map[idx:" + hex(lo) + "]";
                    case Opcodes.PSEUDO_MAP_VALUE -> "map[fd:" + hex(lo) + "] + " + hex(hi);
                    case Opcodes.PSEUDO_MAP_IDX_VALUE -> "map[idx:" + hex(lo) + "] + " + hex(hi);
                    case Opcodes.PSEUDO_BTF_ID -> "ksym[id:" + hex(lo) + "]";
                    case Opcodes.PSEUDO_FUNC -> {
                        String label = names == null ? null : names.labels().get(slot + lo + 1);
                        yield label != null ? "func[" + label + "]" : "func[pc" + (lo < 0 ? "" : "+") + hex(lo) + "]";
                    }
                    default -> hex(c);
                };
        };
    }

    private static String ldx(Instruction in) {
        int op = in.opcode();
        int mode = op & 0xe0;
        int size = (op >> 3) & 3;
        if (in.imm() != 0) {
            return null;
        }
        if (mode == Opcodes.MEM) {
            return "r" + in.dst() + " = *(" + SIZE[size] + " *)" + mem(in.src(), in.offset());
        }
        if (mode == Opcodes.MEMSX && size != 3) {
            return "r" + in.dst() + " = *(" + SSIZE[size] + " *)" + mem(in.src(), in.offset());
        }
        return null;
    }

    private static String stx(Instruction in) {
        int op = in.opcode();
        int mode = op & 0xe0;
        int size = (op >> 3) & 3;
        String m = "(" + SIZE[size] + " *)" + mem(in.dst(), in.offset());
        if (mode == Opcodes.MEM) {
            return in.imm() != 0 ? null : "*" + m + " = r" + in.src();
        }
        if (mode != Opcodes.ATOMIC) {
            return null;
        }
        int imm = in.imm();
        boolean dw = size == 3;
        if (imm == 0x100) { // BPF_LOAD_ACQ
            // The one atomic that loads: dst = *(src + off).
            return (dw ? "r" : "w") + in.dst() + " = load_acquire((" + SIZE[size] + " *)" + mem(in.src(), in.offset())
                    + ")";
        }
        if (imm == 0x110) { // BPF_STORE_REL
            return "store_release(" + m + ", " + reg(dw, in.src()) + ")";
        }
        if (size != 3 && size != 0) {
            return null;
        }
        String src = reg(dw, in.src());
        String addr = "r" + in.dst() + (in.offset() < 0 ? " - " : " + ") + hex(Math.abs(in.offset()));
        String bits = dw ? "64" : "32";
        return switch (imm) {
            // LLVM 16 prints the 32-bit add without fetch with an r register.
            case Opcodes.ADD -> "lock *" + m + " += r" + in.src();
            case Opcodes.OR, Opcodes.AND, Opcodes.XOR -> "lock *" + m + " " + ALU_OP[imm >> 4] + " " + src;
            case Opcodes.ADD | Opcodes.FETCH -> src + " = atomic_fetch_add(" + m + ", " + src + ")";
            case Opcodes.OR | Opcodes.FETCH -> src + " = atomic_fetch_or(" + m + ", " + src + ")";
            case Opcodes.AND | Opcodes.FETCH -> src + " = atomic_fetch_and(" + m + ", " + src + ")";
            case Opcodes.XOR | Opcodes.FETCH -> src + " = atomic_fetch_xor(" + m + ", " + src + ")";
            case Opcodes.XCHG -> src + " = xchg" + (dw ? "" : "32") + "_" + bits + "(" + addr + ", " + src + ")";
            case Opcodes.CMPXCHG ->
                reg(dw, 0) + " = cmpxchg" + (dw ? "" : "32") + "_" + bits + "(" + addr + ", " + reg(dw, 0) + ", " + src
                        + ")";
            default -> null;
        };
    }

    private static String target(int rel, int slot, Listing names) {
        if (names != null) {
            String label = names.labels().get(slot + 1 + rel);
            if (label != null) {
                return label;
            }
        }
        return (rel < 0 ? "" : "+") + hex(rel);
    }

    private static String jmp(Instruction in, int slot, Listing names) {
        int op = in.opcode();
        int cls = op & 7;
        boolean wide = cls == Opcodes.JMP;
        boolean x = (op & Opcodes.X) != 0;
        int code = op & 0xf0;
        switch (code) {
            case Opcodes.JA -> {
                if (x || in.src() != 0 || in.dst() != 0) {
                    return null;
                }
                if (wide) {
                    return in.imm() == 0 ? "goto " + target(in.offset(), slot, names) : null;
                }
                return in.offset() == 0 ? "gotol " + target(in.imm(), slot, names) : null;
            }
            case Opcodes.CALL -> {
                if (!wide || in.offset() != 0) {
                    return null;
                }
                if (x) { // callx: the register is in dst (LLVM 16 read it from imm)
                    return in.src() == 0 && in.imm() == 0 ? "callx r" + in.dst() : null;
                }
                return in.dst() != 0 ? null : call(in, slot, names);
            }
            case Opcodes.EXIT -> {
                return wide && !x && in.src() == 0 && in.dst() == 0 && in.offset() == 0 && in.imm() == 0
                        ? "exit"
                        : null;
            }
            case 0xe0 -> { // BPF_JCOND: may_goto
                return wide && !x && in.src() == 0 && in.dst() == 0 && in.imm() == 0
                        ? "may_goto " + target(in.offset(), slot, names)
                        : null;
            }
            default -> {
                String sym = JMP_OP[code >> 4];
                if (sym == null || (x ? in.imm() != 0 : in.src() != 0)) {
                    return null;
                }
                String rhs = x ? reg(wide, in.src()) : hex(in.imm());
                return "if " + reg(wide, in.dst()) + " " + sym + " " + rhs + " goto "
                        + target(in.offset(), slot, names);
            }
        }
    }

    private static String call(Instruction in, int slot, Listing names) {
        int imm = in.imm();
        if (names == null) {
            return in.src() <= Opcodes.PSEUDO_KFUNC_CALL ? "call " + hex(imm) : null;
        }
        Reference ref = names.references().get(slot);
        return switch (in.src()) {
            case 0 -> {
                String helper = Helpers.name(imm).orElse(null);
                yield "call " + (helper != null && !names.labels().containsValue(helper) ? helper : hex(imm));
            }
            case Opcodes.PSEUDO_CALL -> {
                if (ref instanceof Reference.FunctionRef f) {
                    yield "call " + f.name();
                }
                String label = names.labels().get(slot + 1 + imm);
                yield label != null ? "call " + label : "call pc" + (imm < 0 ? "" : "+") + hex(imm);
            }
            case Opcodes.PSEUDO_KFUNC_CALL ->
                ref instanceof Reference.KfuncRef k
                        ? "call kfunc[" + k.name() + "]"
                        : "call kfunc[id:" + hex(imm) + "]";
            default -> null;
        };
    }
}
