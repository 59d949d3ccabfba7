package io.bpf4j.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes the x86-64 argument specs of a USDT note into {@link UsdtArgument}s, accepting the forms
 * libbpf accepts: {@code SIZE@$IMM}, {@code SIZE@%REG}, {@code SIZE@OFF(%REG)} and
 * {@code SIZE@(%REG)}, where SIZE is 1, 2, 4 or 8, negative for a signed value, and REG any
 * general-purpose register by any of its 64/32/16/8-bit names. Forms libbpf 1.1's
 * {@code usdt.bpf.h} cannot read (scale-index-base {@code (%rax,%rdx,8)}, rip-relative
 * {@code sym(%rip)}, high-byte registers) are refused with the probe and argument named.
 */
final class UsdtArgumentParser {
    /** The most arguments usdt.bpf.h's spec holds (BPF_USDT_MAX_ARG_CNT). */
    static final int MAX_ARGS = 12;

    private static final Pattern CONSTANT = Pattern.compile("(-?\\d+)@\\$(-?\\d+)");
    private static final Pattern REGISTER = Pattern.compile("(-?\\d+)@%([a-z0-9]+)");
    private static final Pattern MEMORY = Pattern.compile("(-?\\d+)@(-?\\d+)?\\(%([a-z0-9]+)\\)");

    /**
     * Byte offsets of the registers in the kernel's x86-64 struct pt_regs, which a uprobe
     * program's context is; every name of a register maps to its 64-bit slot.
     */
    static final Map<String, Integer> PT_REGS = ptRegs();

    private UsdtArgumentParser() {}

    /**
     * Decodes the space-separated specs of one probe.
     *
     * @param probe names the probe in messages ({@code provider:name in /path})
     * @throws IllegalArgumentException naming the probe, the argument's index and its text, for a
     *         form this cannot decode, a size other than 1, 2, 4, 8, or more than 12 arguments
     */
    static List<UsdtArgument> parse(String specs, String probe) {
        List<UsdtArgument> out = new ArrayList<>();
        for (String spec : specs.trim().split("\\s+")) {
            if (spec.isEmpty()) {
                continue;
            }
            if (out.size() == MAX_ARGS) {
                throw new IllegalArgumentException("USDT probe " + probe + " has more than " + MAX_ARGS
                        + " arguments (\"" + specs + "\"); usdt.bpf.h holds at most " + MAX_ARGS);
            }
            out.add(parseOne(spec, out.size(), probe));
        }
        return List.copyOf(out);
    }

    private static UsdtArgument parseOne(String spec, int index, String probe) {
        Matcher m;
        if ((m = CONSTANT.matcher(spec)).matches()) {
            int size = size(m.group(1), spec, index, probe);
            return new UsdtArgument.Constant(Math.abs(size), size < 0, number(m.group(2), spec, index, probe), spec);
        }
        if ((m = REGISTER.matcher(spec)).matches()) {
            int size = size(m.group(1), spec, index, probe);
            return new UsdtArgument.Register(Math.abs(size), size < 0, register(m.group(2), spec, index, probe), spec);
        }
        if ((m = MEMORY.matcher(spec)).matches()) {
            int size = size(m.group(1), spec, index, probe);
            long off = m.group(2) == null ? 0 : number(m.group(2), spec, index, probe);
            return new UsdtArgument.Memory(
                    Math.abs(size), size < 0, register(m.group(3), spec, index, probe), off, spec);
        }
        String why = spec.contains(",")
                ? "scale-index-base addressing, which libbpf 1.1's usdt.bpf.h cannot read"
                : spec.contains("(%rip)")
                        ? "an address relative to %rip (a global variable), which usdt.bpf.h cannot read"
                        : "a form bpf4j does not decode (expected SIZE@$IMM, SIZE@%REG, SIZE@OFF(%REG))";
        throw bad(spec, index, probe, why);
    }

    private static int size(String s, String spec, int index, String probe) {
        int size;
        try {
            size = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw bad(spec, index, probe, "size " + s + " is not a number");
        }
        return switch (Math.abs(size)) {
            case 1, 2, 4, 8 -> size;
            default -> throw bad(spec, index, probe, "size " + s + " is not 1, 2, 4 or 8 bytes (negative for signed)");
        };
    }

    private static long number(String s, String spec, int index, String probe) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            // The assembler writes 64-bit immediates signed; an unsigned spelling past Long.MAX_VALUE is the same bits.
            try {
                return Long.parseUnsignedLong(s);
            } catch (NumberFormatException e2) {
                throw bad(spec, index, probe, s + " does not fit in 64 bits");
            }
        }
    }

    private static String register(String name, String spec, int index, String probe) {
        if (!PT_REGS.containsKey(name)) {
            throw bad(
                    spec,
                    index,
                    probe,
                    "register %" + name + " is not one usdt.bpf.h can read (general-purpose "
                            + "registers by their 64/32/16/low-8-bit names, and %rip)");
        }
        return name;
    }

    private static IllegalArgumentException bad(String spec, int index, String probe, String why) {
        return new IllegalArgumentException(
                "USDT probe " + probe + ": argument #" + index + " \"" + spec + "\" uses " + why);
    }

    private static Map<String, Integer> ptRegs() {
        // struct pt_regs (arch/x86/include/asm/ptrace.h): r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di
        // orig_ax ip cs flags sp ss, 8 bytes each.
        String[][] names = {
            {"r15", "r15d", "r15w", "r15b"}, {"r14", "r14d", "r14w", "r14b"}, {"r13", "r13d", "r13w", "r13b"},
            {"r12", "r12d", "r12w", "r12b"}, {"rbp", "ebp", "bp", "bpl"}, {"rbx", "ebx", "bx", "bl"},
            {"r11", "r11d", "r11w", "r11b"}, {"r10", "r10d", "r10w", "r10b"}, {"r9", "r9d", "r9w", "r9b"},
            {"r8", "r8d", "r8w", "r8b"}, {"rax", "eax", "ax", "al"}, {"rcx", "ecx", "cx", "cl"},
            {"rdx", "edx", "dx", "dl"}, {"rsi", "esi", "si", "sil"}, {"rdi", "edi", "di", "dil"},
        };
        Map<String, Integer> m = new java.util.HashMap<>();
        for (int slot = 0; slot < names.length; slot++) {
            for (String n : names[slot]) {
                m.put(n, slot * 8);
            }
        }
        m.put("rip", 16 * 8);
        m.put("eip", 16 * 8);
        m.put("rsp", 19 * 8);
        m.put("esp", 19 * 8);
        m.put("sp", 19 * 8);
        m.put("spl", 19 * 8);
        return Map.copyOf(m);
    }
}
