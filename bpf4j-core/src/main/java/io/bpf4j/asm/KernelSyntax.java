package io.bpf4j.asm;

/**
 * The kernel verifier's and bpftool's text of an instruction ({@code kernel/bpf/disasm.c}):
 * {@code (b7) r0 = 0}, {@code (61) r2 = *(u32 *)(r1 +4)}, {@code (15) if r1 == 0x0 goto pc+3},
 * {@code (18) r1 = map[id:5]}, {@code (85) call bpf_map_lookup_elem#1}. Decimal immediates,
 * pc-relative jumps, maps by id as the kernel reports a loaded program's ({@code xlated}) code.
 */
final class KernelSyntax {
    private static final String[] ALU = {
        "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian", "BUG", "BUG"
    };
    private static final String[] JMP = {
        "jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<=", "BUG", "BUG"
    };
    private static final String[] SIZE = {"u32", "u16", "u8", "u64"};
    private static final String[] SSIZE = {"s32", "s16", "s8", "s64"};

    private KernelSyntax() {}

    private static String off(int off) {
        return off < 0 ? Integer.toString(off) : "+" + off;
    }

    /** The text after the {@code (op)} prefix, as disasm.c prints it. */
    static String format(Instruction in) {
        return String.format("(%02x) ", in.opcode()) + body(in);
    }

    private static String body(Instruction in) {
        int code = in.opcode();
        int cls = code & 7;
        int op = code & 0xf0;
        int size = (code >> 3) & 3;
        int mode = code & 0xe0;
        boolean x = (code & Opcodes.X) != 0;
        int d = in.dst();
        int s = in.src();
        int off = in.offset();
        int imm = in.imm();
        switch (cls) {
            case Opcodes.ALU, Opcodes.ALU64 -> {
                char r = cls == Opcodes.ALU ? 'w' : 'r';
                if (op == Opcodes.END) {
                    return cls == Opcodes.ALU64
                            ? "r" + d + " = bswap" + imm + " r" + d
                            : "r" + d + " = " + (x ? "be" : "le") + imm + " r" + d;
                }
                if (op == Opcodes.NEG) {
                    return r + "" + d + " = -" + r + d;
                }
                if (code == (Opcodes.ALU64 | Opcodes.MOV | Opcodes.X) && off == 1) {
                    return "r" + d + " = addr_space_cast(r" + s + ", " + Integer.toUnsignedString(imm >>> 16) + ", "
                            + (imm & 0xffff) + ")";
                }
                String sym = (op == Opcodes.DIV || op == Opcodes.MOD) && off == 1 ? "s" + ALU[op >> 4] : ALU[op >> 4];
                if (x) {
                    String sx = op == Opcodes.MOV && (off == 8 || off == 16 || off == 32) ? "(s" + off + ")" : "";
                    return r + "" + d + " " + sym + " " + sx + r + s;
                }
                return r + "" + d + " " + sym + " " + imm;
            }
            case Opcodes.STX -> {
                String m = "(" + SIZE[size] + " *)(r" + d + " " + off(off) + ")";
                if (mode == Opcodes.MEM) {
                    return "*" + m + " = r" + s;
                }
                if (mode != Opcodes.ATOMIC) {
                    return "BUG_" + String.format("%02x", code);
                }
                String bits = size == 3 ? "64" : "";
                return switch (imm) {
                    case Opcodes.ADD, Opcodes.AND, Opcodes.OR, Opcodes.XOR ->
                        "lock *" + m + " " + ALU[imm >> 4] + " r" + s;
                    case Opcodes.ADD | Opcodes.FETCH,
                            Opcodes.AND | Opcodes.FETCH,
                            Opcodes.OR | Opcodes.FETCH,
                            Opcodes.XOR | Opcodes.FETCH ->
                        "r" + s + " = atomic" + bits + "_fetch_"
                                + switch (imm & 0xf0) {
                                    case Opcodes.ADD -> "add";
                                    case Opcodes.AND -> "and";
                                    case Opcodes.OR -> "or";
                                    default -> "xor";
                                }
                                + "(" + m + ", r" + s + ")";
                    case Opcodes.CMPXCHG -> "r0 = atomic" + bits + "_cmpxchg(" + m + ", r0, r" + s + ")";
                    case Opcodes.XCHG -> "r" + s + " = atomic" + bits + "_xchg(" + m + ", r" + s + ")";
                    case 0x100 -> "r" + d + " = load_acquire((" + SIZE[size] + " *)(r" + s + " " + off(off) + "))";
                    case 0x110 -> "store_release(" + m + ", r" + s + ")";
                    default -> "BUG_" + String.format("%02x", code);
                };
            }
            case Opcodes.ST -> {
                return mode == Opcodes.MEM
                        ? "*(" + SIZE[size] + " *)(r" + d + " " + off(off) + ") = " + imm
                        : mode == 0xc0 ? "nospec" : "BUG_st_" + String.format("%02x", code);
            }
            case Opcodes.LDX -> {
                if (mode != Opcodes.MEM && mode != Opcodes.MEMSX) {
                    return "BUG_ldx_" + String.format("%02x", code);
                }
                return "r" + d + " = *(" + (mode == Opcodes.MEM ? SIZE : SSIZE)[size] + " *)(r" + s + " " + off(off)
                        + ")";
            }
            case Opcodes.LD -> {
                if (mode == Opcodes.ABS) {
                    return "r0 = *(" + SIZE[size] + " *)skb[" + imm + "]";
                }
                if (mode == Opcodes.IND) {
                    return "r0 = *(" + SIZE[size] + " *)skb[r" + s + " + " + imm + "]";
                }
                if (code == Opcodes.LD_IMM64) {
                    long c = in.constant();
                    int hi = (int) (c >>> 32);
                    return "r" + d + " = "
                            + switch (s) {
                                case Opcodes.PSEUDO_MAP_FD -> "map[id:" + imm + "]";
                                case Opcodes.PSEUDO_MAP_VALUE -> "map[id:" + imm + "][0]+" + hi;
                                case Opcodes.PSEUDO_MAP_IDX -> "map[idx:" + imm + "]";
                                case Opcodes.PSEUDO_MAP_IDX_VALUE -> "map[idx:" + imm + "]+" + hi;
                                case Opcodes.PSEUDO_FUNC -> "subprog[" + off(imm) + "]";
                                default -> "0x" + Long.toHexString(c);
                            };
                }
                return "BUG_ld_" + String.format("%02x", code);
            }
            default -> {
                if (op == Opcodes.CALL) {
                    if (s == Opcodes.PSEUDO_CALL) {
                        return "call pc" + off(imm);
                    }
                    return "call " + (s == 0 ? Helpers.name(imm).orElse("unknown") : "kernel-function") + "#" + imm;
                }
                if (code == (Opcodes.JMP | Opcodes.JA)) {
                    return "goto pc" + off(off);
                }
                if (code == (Opcodes.JMP | Opcodes.JA | Opcodes.X)) {
                    return "gotox r" + d;
                }
                if (code == (Opcodes.JMP | 0xe0) && s == 0) {
                    return "may_goto pc" + off(off);
                }
                if (code == (Opcodes.JMP32 | Opcodes.JA)) {
                    return "gotol pc" + off(imm);
                }
                if (code == (Opcodes.JMP | Opcodes.EXIT)) {
                    return "exit";
                }
                char r = cls == Opcodes.JMP32 ? 'w' : 'r';
                return "if " + r + d + " " + JMP[op >> 4] + " " + (x ? r + "" + s : "0x" + Integer.toHexString(imm))
                        + " goto pc" + off(off);
            }
        }
    }
}
