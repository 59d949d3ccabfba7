package io.bpf4j.asm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads BPF assembly in the syntax llvm-objdump prints (and LLVM's assembler reads) into a
 * {@link Listing}: labels ({@code name:} lines) as jump and call targets, helpers by name
 * ({@code call bpf_map_lookup_elem}), maps by name ({@code r1 = map[events] ll},
 * {@code r1 = map[.data] + 0x8 ll}), kernel functions and variables by name
 * ({@code call kfunc[bpf_task_acquire]}, {@code r1 = ksym[bpf_prog_active] ll}). Numbers are
 * decimal or hex, signed; spacing is free; {@code ;} and {@code //} start comments; a leading
 * {@code 12:} slot number and the hex bytes llvm-objdump prints before a tab are skipped, so
 * objdump's output assembles as it is. {@code .quad 0x...} places raw bytes. {@code call name}
 * calls the label {@code name} (bpf-to-bpf), else the helper of that name, else a function
 * outside this text ({@link Reference.FunctionRef}, left to a linker).
 * {@link Disassembler#disassemble(Listing)} prints the same syntax back.
 *
 * <pre>{@code
 * Listing l = Assembler.assemble("""
 *         xdp_prog:
 *             r2 = *(u32 *)(r1 + 0x4)
 *             r1 = *(u32 *)(r1 + 0x0)
 *             r0 = 0x2
 *             if r1 == r2 goto out
 *             r0 = 0x1
 *         out:
 *             exit
 *         """);
 * ProgramSpec spec = ProgramSpec.builder("xdp_prog", ProgramType.XDP)
 *         .instructions(l.resolve(name -> { throw new IllegalArgumentException(name); })).build();
 * }</pre>
 */
public final class Assembler {
    private static final String NUM = "([+-]?(?:0x[0-9a-fA-F]+|[0-9]+))";
    private static final String UNUM = "(0x[0-9a-fA-F]+|[0-9]+)";
    private static final String NAME = "([A-Za-z_.$][\\w.$]*)";
    private static final String REG = "([rw][0-9]+)";
    private static final String MEM = "\\(r([0-9]+)([+-])" + UNUM + "\\)";
    private static final String SIZE = "(u8|u16|u32|u64)";

    private static final Pattern LABEL = Pattern.compile(NAME + ":");
    private static final Pattern JUMP = Pattern.compile("(gotol|goto|may_goto)(.+)");
    private static final Pattern CALLX = Pattern.compile("callxr([0-9]+)");
    private static final Pattern CALL = Pattern.compile("call(.+)");
    private static final Pattern COND =
            Pattern.compile("if" + REG + "(s>=|s<=|s>|s<|==|!=|>=|<=|>|<|&)(" + REG + "|" + NUM + ")goto(.+)");
    private static final Pattern STORE = Pattern.compile("\\*\\(" + SIZE + "\\*\\)" + MEM + "=(.+)");
    private static final Pattern LOCK = Pattern.compile("lock\\*\\((u32|u64)\\*\\)" + MEM + "(\\+|\\||&|\\^)=" + REG);
    private static final Pattern STORE_REL =
            Pattern.compile("store_release\\(\\(" + SIZE + "\\*\\)" + MEM + "," + REG + "\\)");
    private static final Pattern ALU = Pattern.compile(REG + "(s>>|<<|>>|s/|s%|\\+|-|\\*|/|\\||&|%|\\^)=(.+)");
    private static final Pattern ASSIGN = Pattern.compile(REG + "=(.+)");
    private static final Pattern QUAD = Pattern.compile("\\.quad" + UNUM);
    private static final Pattern LD_PSEUDO = Pattern.compile("ld_pseudor([0-9]+)," + NUM + "," + NUM);

    private static final Pattern NEG = Pattern.compile("-" + REG);
    private static final Pattern MOVSX = Pattern.compile("\\(s(8|16|32)\\)" + REG);
    private static final Pattern ENDIAN = Pattern.compile("(be|le|bswap)(16|32|64)r([0-9]+)");
    private static final Pattern LOAD = Pattern.compile("\\*\\(([us])(8|16|32|64)\\*\\)" + MEM);
    private static final Pattern SKB = Pattern.compile("\\*\\((u8|u16|u32)\\*\\)skb\\[(?:r([0-9]+)|" + NUM + ")\\]");
    private static final Pattern FETCH =
            Pattern.compile("atomic_fetch_(add|and|or|xor)\\(\\((u32|u64)\\*\\)" + MEM + "," + REG + "\\)");
    private static final Pattern XCHG =
            Pattern.compile("xchg(?:32_32|_64)\\(r([0-9]+)([+-])" + UNUM + "," + REG + "\\)");
    private static final Pattern CMPXCHG =
            Pattern.compile("cmpxchg(?:32_32|_64)\\(r([0-9]+)([+-])" + UNUM + ",([rw])0," + REG + "\\)");
    private static final Pattern LOAD_ACQ = Pattern.compile("load_acquire\\(\\(" + SIZE + "\\*\\)" + MEM + "\\)");
    private static final Pattern AS_CAST = Pattern.compile("addr_space_cast\\(" + REG + "," + NUM + "," + NUM + "\\)");
    private static final Pattern LDDW = Pattern.compile("(.+)ll");
    private static final Pattern MAP =
            Pattern.compile("map\\[(?:(fd|idx):" + NUM + "|" + NAME + ")\\](?:\\+" + NUM + ")?");
    private static final Pattern KSYM = Pattern.compile("ksym\\[(?:id:" + NUM + "|" + NAME + ")\\]");
    private static final Pattern FUNC = Pattern.compile("func\\[(?:pc" + NUM + "|" + NAME + ")\\]");
    private static final Pattern OBJDUMP_PREFIX =
            Pattern.compile("^\\s*[0-9]+:\\s*(?:[0-9a-f]{2} )*(?:[0-9a-f]{2})?\\s*\\t");
    private static final Pattern SLOT_PREFIX = Pattern.compile("^\\s*[0-9]+:");

    private static final Map<String, Integer> ALU_OPS = Map.ofEntries(
            Map.entry("+", Opcodes.ADD),
            Map.entry("-", Opcodes.SUB),
            Map.entry("*", Opcodes.MUL),
            Map.entry("/", Opcodes.DIV),
            Map.entry("s/", Opcodes.DIV),
            Map.entry("|", Opcodes.OR),
            Map.entry("&", Opcodes.AND),
            Map.entry("<<", Opcodes.LSH),
            Map.entry(">>", Opcodes.RSH),
            Map.entry("%", Opcodes.MOD),
            Map.entry("s%", Opcodes.MOD),
            Map.entry("^", Opcodes.XOR),
            Map.entry("s>>", Opcodes.ARSH));
    private static final Map<String, Integer> JMP_OPS = Map.ofEntries(
            Map.entry("==", Opcodes.JEQ),
            Map.entry("!=", Opcodes.JNE),
            Map.entry(">", Opcodes.JGT),
            Map.entry(">=", Opcodes.JGE),
            Map.entry("<", Opcodes.JLT),
            Map.entry("<=", Opcodes.JLE),
            Map.entry("s>", Opcodes.JSGT),
            Map.entry("s>=", Opcodes.JSGE),
            Map.entry("s<", Opcodes.JSLT),
            Map.entry("s<=", Opcodes.JSLE),
            Map.entry("&", Opcodes.JSET));
    private static final Map<String, Integer> SIZES =
            Map.of("32", Opcodes.W, "16", Opcodes.H, "8", Opcodes.B, "64", Opcodes.DW);

    /** An instruction whose offset or immediate waits for a label's slot. */
    private record Fixup(int index, int slot, int line, String text, String label, Kind kind) {}

    private enum Kind {
        OFFSET,
        IMM,
        CALL
    }

    private final List<Instruction> out = new ArrayList<>();
    private final Map<Integer, String> labels = new LinkedHashMap<>();
    private final Map<String, Integer> labelSlots = new HashMap<>();
    private final Map<Integer, Reference> refs = new HashMap<>();
    private final List<Fixup> fixups = new ArrayList<>();
    private int slot;
    private int lineNo;
    private String text = "";
    private boolean quadPending;
    private long pendingQuad;

    private Assembler() {}

    /**
     * Assembles {@code text}.
     *
     * @throws AssemblerException naming the line and what is wrong with it: a syntax error, an
     *         unknown label or helper, a number that does not fit its field, a jump too far
     */
    public static Listing assemble(String text) {
        Assembler a = new Assembler();
        for (String line : text.split("\n", -1)) {
            a.lineNo++;
            a.line(line);
        }
        if (a.quadPending) {
            throw new AssemblerException(a.lineNo, "", "an lddw written as .quad needs its second .quad");
        }
        a.fixups.forEach(a::fix);
        return new Listing(a.out, a.labels, a.refs, Map.of());
    }

    private void line(String raw) {
        text = raw.strip();
        String s = raw;
        Matcher p = OBJDUMP_PREFIX.matcher(s);
        if (p.find()) {
            s = s.substring(p.end());
        } else {
            Matcher q = SLOT_PREFIX.matcher(s);
            if (q.find()) {
                s = s.substring(q.end());
            }
        }
        int c = s.indexOf(';');
        if (c >= 0) {
            s = s.substring(0, c);
        }
        c = s.indexOf("//");
        if (c >= 0) {
            s = s.substring(0, c);
        }
        s = s.replaceAll("\\s+", "");
        if (s.isEmpty()) {
            return;
        }
        try {
            statement(s);
        } catch (AssemblerException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new AssemblerException(lineNo, raw.strip(), e.getMessage());
        }
    }

    private void statement(String s) {
        Matcher m;
        if (quadPending && !QUAD.matcher(s).matches()) {
            throw new IllegalArgumentException("an lddw written as .quad needs its second .quad next");
        }
        if ((m = LABEL.matcher(s)).matches()) {
            String name = m.group(1);
            if (labelSlots.containsKey(name)) {
                throw new IllegalArgumentException("label " + name + " is defined twice");
            }
            if (labels.containsKey(slot)) {
                throw new IllegalArgumentException("slot " + slot + " already has label " + labels.get(slot));
            }
            labels.put(slot, name);
            labelSlots.put(name, slot);
        } else if (s.equals("exit")) {
            emit(new Instruction(Opcodes.JMP | Opcodes.EXIT, 0, 0, (short) 0, 0));
        } else if ((m = QUAD.matcher(s)).matches()) {
            quad(parse(m.group(1)));
        } else if ((m = LD_PSEUDO.matcher(s)).matches()) {
            emit(new Instruction(
                    Opcodes.LD_IMM64,
                    reg(m.group(1)),
                    (int) range(parse(m.group(2)), 0, 15, "pseudo source"),
                    (short) 0,
                    parse(m.group(3))));
        } else if ((m = JUMP.matcher(s)).matches()) {
            String t = stripAnnotation(m.group(2));
            switch (m.group(1)) {
                case "goto" -> jump(new Instruction(Opcodes.JMP | Opcodes.JA, 0, 0, (short) 0, 0), t, Kind.OFFSET);
                case "gotol" -> jump(new Instruction(Opcodes.JMP32 | Opcodes.JA, 0, 0, (short) 0, 0), t, Kind.IMM);
                default -> jump(new Instruction(Opcodes.JMP | 0xe0, 0, 0, (short) 0, 0), t, Kind.OFFSET);
            }
        } else if ((m = CALLX.matcher(s)).matches()) {
            emit(new Instruction(Opcodes.JMP | Opcodes.CALL | Opcodes.X, reg("r" + m.group(1)), 0, (short) 0, 0));
        } else if ((m = CALL.matcher(s)).matches()) {
            call(m.group(1));
        } else if ((m = COND.matcher(s)).matches()) {
            boolean wide = m.group(1).charAt(0) == 'r';
            int op = (wide ? Opcodes.JMP : Opcodes.JMP32) | JMP_OPS.get(m.group(2));
            Instruction in;
            if (m.group(4) != null) {
                width(wide, m.group(4));
                in = new Instruction(op | Opcodes.X, reg(m.group(1)), reg(m.group(4)), (short) 0, 0);
            } else {
                in = new Instruction(op, reg(m.group(1)), 0, (short) 0, imm32(m.group(5)));
            }
            jump(in, stripAnnotation(m.group(6)), Kind.OFFSET);
        } else if ((m = STORE.matcher(s)).matches()) {
            int size = SIZES.get(m.group(1).substring(1));
            int dst = reg("r" + m.group(2));
            short off = off(m.group(3), m.group(4));
            String v = m.group(5);
            if (v.matches(REG)) {
                emit(new Instruction(Opcodes.STX | Opcodes.MEM | size, dst, reg(v), off, 0));
            } else {
                emit(new Instruction(Opcodes.ST | Opcodes.MEM | size, dst, 0, off, imm32(v)));
            }
        } else if ((m = LOCK.matcher(s)).matches()) {
            int size = SIZES.get(m.group(1).substring(1));
            int op =
                    switch (m.group(5)) {
                        case "+" -> Opcodes.ADD;
                        case "|" -> Opcodes.OR;
                        case "&" -> Opcodes.AND;
                        default -> Opcodes.XOR;
                    };
            emit(new Instruction(
                    Opcodes.STX | Opcodes.ATOMIC | size,
                    reg("r" + m.group(2)),
                    reg(m.group(6)),
                    off(m.group(3), m.group(4)),
                    op));
        } else if ((m = STORE_REL.matcher(s)).matches()) {
            int size = SIZES.get(m.group(1).substring(1));
            emit(new Instruction(
                    Opcodes.STX | Opcodes.ATOMIC | size,
                    reg("r" + m.group(2)),
                    reg(m.group(5)),
                    off(m.group(3), m.group(4)),
                    0x110));
        } else if ((m = ALU.matcher(s)).matches()) {
            alu(m.group(1), m.group(2), m.group(3));
        } else if ((m = ASSIGN.matcher(s)).matches()) {
            assign(m.group(1), m.group(2));
        } else {
            throw new IllegalArgumentException("not an instruction bpf4j knows");
        }
    }

    private void alu(String dstReg, String op, String rhs) {
        boolean wide = dstReg.charAt(0) == 'r';
        int cls = wide ? Opcodes.ALU64 : Opcodes.ALU;
        int dst = reg(dstReg);
        short off = (short) (op.startsWith("s/") || op.startsWith("s%") ? 1 : 0);
        int code = cls | ALU_OPS.get(op);
        if (rhs.matches(REG)) {
            width(wide, rhs);
            emit(new Instruction(code | Opcodes.X, dst, reg(rhs), off, 0));
        } else {
            emit(new Instruction(code, dst, 0, off, imm32(rhs)));
        }
    }

    private void assign(String dstReg, String rhs) {
        boolean wide = dstReg.charAt(0) == 'r';
        int dst = reg(dstReg);
        int cls = wide ? Opcodes.ALU64 : Opcodes.ALU;
        Matcher m;
        if ((m = LDDW.matcher(rhs)).matches()) {
            if (!wide) {
                throw new IllegalArgumentException("lddw loads a 64-bit register (r" + dst + ")");
            }
            lddw(dst, m.group(1));
        } else if (rhs.matches(REG)) {
            width(wide, rhs);
            emit(new Instruction(cls | Opcodes.MOV | Opcodes.X, dst, reg(rhs), (short) 0, 0));
        } else if (rhs.matches(NUM)) {
            emit(new Instruction(cls | Opcodes.MOV, dst, 0, (short) 0, imm32(rhs)));
        } else if ((m = NEG.matcher(rhs)).matches()) {
            if (!m.group(1).equals(dstReg)) {
                throw new IllegalArgumentException("neg negates its own register: write " + dstReg + " = -" + dstReg);
            }
            emit(new Instruction(cls | Opcodes.NEG, dst, 0, (short) 0, 0));
        } else if ((m = MOVSX.matcher(rhs)).matches()) {
            width(wide, m.group(2));
            emit(new Instruction(
                    cls | Opcodes.MOV | Opcodes.X, dst, reg(m.group(2)), (short) Integer.parseInt(m.group(1)), 0));
        } else if ((m = ENDIAN.matcher(rhs)).matches()) {
            if (reg("r" + m.group(3)) != dst || !wide) {
                throw new IllegalArgumentException("a byte swap works in place on an r register: write r" + dst + " = "
                        + m.group(1) + m.group(2) + " r" + dst);
            }
            int op =
                    switch (m.group(1)) {
                        case "le" -> Opcodes.ALU | Opcodes.END;
                        case "be" -> Opcodes.ALU | Opcodes.END | Opcodes.X;
                        default -> Opcodes.ALU64 | Opcodes.END;
                    };
            emit(new Instruction(op, dst, 0, (short) 0, Integer.parseInt(m.group(2))));
        } else if ((m = LOAD.matcher(rhs)).matches()) {
            boolean signed = m.group(1).equals("s");
            if (signed && m.group(2).equals("64")) {
                throw new IllegalArgumentException("a sign-extending load is 8, 16 or 32 bits");
            }
            emit(new Instruction(
                    Opcodes.LDX | (signed ? Opcodes.MEMSX : Opcodes.MEM) | SIZES.get(m.group(2)),
                    dst,
                    reg("r" + m.group(3)),
                    off(m.group(4), m.group(5)),
                    0));
        } else if ((m = SKB.matcher(rhs)).matches()) {
            if (dst != 0) {
                throw new IllegalArgumentException("a packet load (skb[...]) always loads r0");
            }
            int size = SIZES.get(m.group(1).substring(1));
            if (m.group(2) != null) {
                emit(new Instruction(Opcodes.LD | Opcodes.IND | size, 0, reg("r" + m.group(2)), (short) 0, 0));
            } else {
                emit(new Instruction(Opcodes.LD | Opcodes.ABS | size, 0, 0, (short) 0, imm32(m.group(3))));
            }
        } else if ((m = FETCH.matcher(rhs)).matches()) {
            if (!m.group(6).equals(dstReg)) {
                throw new IllegalArgumentException(
                        "atomic_fetch_" + m.group(1) + " returns into its source register " + m.group(6));
            }
            int op =
                    switch (m.group(1)) {
                        case "add" -> Opcodes.ADD;
                        case "and" -> Opcodes.AND;
                        case "or" -> Opcodes.OR;
                        default -> Opcodes.XOR;
                    };
            emit(new Instruction(
                    Opcodes.STX | Opcodes.ATOMIC | SIZES.get(m.group(2).substring(1)),
                    reg("r" + m.group(3)),
                    dst,
                    off(m.group(4), m.group(5)),
                    op | Opcodes.FETCH));
        } else if ((m = XCHG.matcher(rhs)).matches()) {
            if (!m.group(4).equals(dstReg)) {
                throw new IllegalArgumentException("xchg returns into its source register " + m.group(4));
            }
            emit(new Instruction(
                    Opcodes.STX | Opcodes.ATOMIC | (wide ? Opcodes.DW : Opcodes.W),
                    reg("r" + m.group(1)),
                    dst,
                    off(m.group(2), m.group(3)),
                    Opcodes.XCHG));
        } else if ((m = CMPXCHG.matcher(rhs)).matches()) {
            if (dst != 0) {
                throw new IllegalArgumentException("cmpxchg compares with and returns into r0");
            }
            emit(new Instruction(
                    Opcodes.STX | Opcodes.ATOMIC | (wide ? Opcodes.DW : Opcodes.W),
                    reg("r" + m.group(1)),
                    reg(m.group(5)),
                    off(m.group(2), m.group(3)),
                    Opcodes.CMPXCHG));
        } else if ((m = LOAD_ACQ.matcher(rhs)).matches()) {
            emit(new Instruction(
                    Opcodes.STX | Opcodes.ATOMIC | SIZES.get(m.group(1).substring(1)),
                    dst,
                    reg("r" + m.group(2)),
                    off(m.group(3), m.group(4)),
                    0x100));
        } else if ((m = AS_CAST.matcher(rhs)).matches()) {
            long to = range(parse(m.group(2)), 0, 0xffff, "address space");
            long from = range(parse(m.group(3)), 0, 0xffff, "address space");
            emit(new Instruction(
                    Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, dst, reg(m.group(1)), (short) 1, (int) (to << 16 | from)));
        } else {
            throw new IllegalArgumentException("not an instruction bpf4j knows");
        }
    }

    private void lddw(int dst, String v) {
        Matcher m;
        if (v.matches(NUM)) {
            emit(new Instruction(Opcodes.LD_IMM64, dst, 0, (short) 0, parse(v)));
        } else if ((m = MAP.matcher(v)).matches()) {
            boolean value = m.group(4) != null;
            int offset =
                    value ? (int) range(parse(m.group(4)), Integer.MIN_VALUE, 0xffff_ffffL, "map value offset") : 0;
            if (m.group(3) != null) {
                refs.put(
                        slot, value ? new Reference.MapValueRef(m.group(3), offset) : new Reference.MapRef(m.group(3)));
                emit(new Instruction(
                        Opcodes.LD_IMM64,
                        dst,
                        value ? Opcodes.PSEUDO_MAP_VALUE : Opcodes.PSEUDO_MAP_FD,
                        (short) 0,
                        value ? (long) offset << 32 : 0));
            } else {
                boolean idx = m.group(1).equals("idx");
                int src = idx
                        ? (value ? Opcodes.PSEUDO_MAP_IDX_VALUE : Opcodes.PSEUDO_MAP_IDX)
                        : (value ? Opcodes.PSEUDO_MAP_VALUE : Opcodes.PSEUDO_MAP_FD);
                long lo = imm32(m.group(2)) & 0xffff_ffffL;
                emit(new Instruction(Opcodes.LD_IMM64, dst, src, (short) 0, lo | (long) offset << 32));
            }
        } else if ((m = KSYM.matcher(v)).matches()) {
            if (m.group(2) != null) {
                refs.put(slot, new Reference.KsymRef(m.group(2)));
                emit(new Instruction(Opcodes.LD_IMM64, dst, Opcodes.PSEUDO_BTF_ID, (short) 0, 0));
            } else {
                emit(new Instruction(
                        Opcodes.LD_IMM64, dst, Opcodes.PSEUDO_BTF_ID, (short) 0, imm32(m.group(1)) & 0xffff_ffffL));
            }
        } else if ((m = FUNC.matcher(v)).matches()) {
            Instruction in = new Instruction(
                    Opcodes.LD_IMM64,
                    dst,
                    Opcodes.PSEUDO_FUNC,
                    (short) 0,
                    m.group(1) == null ? 0 : imm32(m.group(1)) & 0xffff_ffffL);
            if (m.group(2) != null) {
                fixups.add(new Fixup(out.size(), slot, lineNo, text, m.group(2), Kind.IMM));
            }
            emit(in);
        } else {
            throw new IllegalArgumentException("lddw takes a number, map[...], ksym[...] or func[...], not " + v);
        }
    }

    private void call(String arg) {
        Matcher m;
        if (arg.matches(NUM)) {
            emit(new Instruction(Opcodes.JMP | Opcodes.CALL, 0, 0, (short) 0, imm32(arg)));
        } else if (arg.startsWith("pc") && arg.substring(2).matches(NUM)) {
            emit(new Instruction(
                    Opcodes.JMP | Opcodes.CALL, 0, Opcodes.PSEUDO_CALL, (short) 0, imm32(arg.substring(2))));
        } else if ((m = Pattern.compile("kfunc\\[(?:id:" + NUM + "|" + NAME + ")\\]")
                        .matcher(arg))
                .matches()) {
            if (m.group(2) != null) {
                refs.put(slot, new Reference.KfuncRef(m.group(2)));
            }
            emit(new Instruction(
                    Opcodes.JMP | Opcodes.CALL,
                    0,
                    Opcodes.PSEUDO_KFUNC_CALL,
                    (short) 0,
                    m.group(1) == null ? 0 : imm32(m.group(1))));
        } else if ((m = Pattern.compile(NAME + "#" + NUM).matcher(arg)).matches()) {
            // bpftool's form: name#id; the number decides.
            emit(new Instruction(Opcodes.JMP | Opcodes.CALL, 0, 0, (short) 0, imm32(m.group(2))));
        } else if (arg.matches(NAME)) {
            fixups.add(new Fixup(out.size(), slot, lineNo, text, arg, Kind.CALL));
            emit(new Instruction(Opcodes.JMP | Opcodes.CALL, 0, 0, (short) 0, 0));
        } else {
            throw new IllegalArgumentException("call takes a helper or label name, a number, pc+N or kfunc[...]");
        }
    }

    private void jump(Instruction in, String target, Kind kind) {
        if (target.matches(NUM)) {
            long rel = parse(target);
            emit(
                    kind == Kind.IMM
                            ? in.withConstant(range(rel, Integer.MIN_VALUE, Integer.MAX_VALUE, "jump"))
                            : in.withOffset((int) range(rel, Short.MIN_VALUE, Short.MAX_VALUE, "jump offset")));
        } else if (target.matches(NAME)) {
            fixups.add(new Fixup(out.size(), slot, lineNo, text, target, kind));
            emit(in);
        } else {
            throw new IllegalArgumentException("a jump goes to a label or to +N/-N slots, not " + target);
        }
    }

    private void fix(Fixup f) {
        Integer at = labelSlots.get(f.label());
        Instruction in = out.get(f.index());
        if (at == null) {
            if (f.kind() == Kind.CALL) {
                OptionalInt helper = Helpers.id(f.label());
                if (helper.isPresent()) {
                    out.set(f.index(), in.withConstant(helper.getAsInt()));
                    return;
                }
                // A function outside this text (another section of an object): the linker resolves it.
                refs.put(f.slot(), new Reference.FunctionRef(f.label()));
                out.set(f.index(), in.withSrc(Opcodes.PSEUDO_CALL).withConstant(-1));
                return;
            }
            if (in.isLoadImm64()) {
                refs.put(f.slot(), new Reference.FunctionRef(f.label())); // a function outside this text
                return;
            }
            throw new AssemblerException(f.line(), f.text(), "no label " + f.label());
        }
        long rel = (long) at - f.slot() - 1;
        switch (f.kind()) {
            case OFFSET -> {
                if (rel < Short.MIN_VALUE || rel > Short.MAX_VALUE) {
                    throw new AssemblerException(
                            f.line(),
                            f.text(),
                            "label " + f.label() + " is " + rel
                                    + " slots away, beyond a 16-bit jump offset (use gotol)");
                }
                out.set(f.index(), in.withOffset((int) rel));
            }
            case IMM -> out.set(f.index(), in.withConstant(rel));
            case CALL -> out.set(f.index(), in.withSrc(Opcodes.PSEUDO_CALL).withConstant(rel));
        }
    }

    private void quad(long v) {
        if (quadPending) {
            long first = pendingQuad;
            quadPending = false;
            if ((v & 0xffff_ffffL) != 0) {
                throw new IllegalArgumentException("the second slot of an lddw has opcode, registers and offset 0");
            }
            int regs = (int) (first >>> 8) & 0xff;
            emit(new Instruction(
                    Opcodes.LD_IMM64,
                    regs & 0xf,
                    regs >>> 4,
                    (short) (first >>> 16),
                    (first >>> 32) | (v & 0xffff_ffff_0000_0000L)));
            return;
        }
        int op = (int) (v & 0xff);
        if (op == Opcodes.LD_IMM64) {
            pendingQuad = v;
            quadPending = true;
            return;
        }
        int regs = (int) (v >>> 8) & 0xff;
        emit(new Instruction(op, regs & 0xf, regs >>> 4, (short) (v >>> 16), (int) (v >>> 32)));
    }

    private void emit(Instruction in) {
        out.add(in);
        slot += in.slots();
    }

    private static String stripAnnotation(String t) {
        int lt = t.indexOf('<');
        return lt > 0 && t.endsWith(">") ? t.substring(0, lt) : t;
    }

    private static void width(boolean wide, String reg) {
        if ((reg.charAt(0) == 'r') != wide) {
            throw new IllegalArgumentException("register " + reg + " mixes 32-bit (w) and 64-bit (r) registers");
        }
    }

    private static int reg(String r) {
        int n = Integer.parseInt(r.substring(1));
        if (n > 10) {
            throw new IllegalArgumentException("no register " + r + " (r0..r10)");
        }
        return n;
    }

    private static short off(String sign, String v) {
        long o = parse(v) * (sign.equals("-") ? -1 : 1);
        return (short) range(o, Short.MIN_VALUE, Short.MAX_VALUE, "offset");
    }

    private static int imm32(String v) {
        return (int) range(parse(v), Integer.MIN_VALUE, 0xffff_ffffL, "32-bit immediate");
    }

    private static long range(long v, long min, long max, String what) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " " + v + " is outside " + min + ".." + max);
        }
        return v;
    }

    /** A signed decimal or hex number; hex up to 64 bits reads as the two's complement. */
    static long parse(String s) {
        boolean neg = s.startsWith("-");
        String t = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        try {
            long v = t.startsWith("0x") || t.startsWith("0X")
                    ? Long.parseUnsignedLong(t.substring(2), 16)
                    : Long.parseLong(t);
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number " + s + " does not fit 64 bits");
        }
    }
}
