package io.bpf4j.asm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One eBPF instruction. A 64-bit immediate load ({@code lddw}, opcode 0x18) is one
 * {@code Instruction} holding the whole 64-bit {@link #constant()} and occupying two 8-byte slots,
 * as in cilium/ebpf; every other instruction occupies one slot and uses the low 32 bits.
 *
 * <pre>{@code
 * List<Instruction> prog = List.of(Instruction.mov64Imm(Reg.R0, 2), Instruction.exit());
 * }</pre>
 *
 * @param opcode the 8-bit opcode (class | size/source | mode/operation)
 * @param dst destination register 0..10
 * @param src source register 0..10, or a pseudo value (e.g. {@link Opcodes#PSEUDO_MAP_FD})
 * @param offset the signed 16-bit offset
 * @param constant the immediate: 32-bit signed for ordinary instructions, 64-bit for {@code lddw}
 */
public record Instruction(int opcode, int dst, int src, short offset, long constant, Metadata metadata) {
    /** Size of one instruction slot in bytes. */
    public static final int SLOT_SIZE = 8;

    /** An instruction without metadata. */
    public Instruction(int opcode, int dst, int src, short offset, long constant) {
        this(opcode, dst, src, offset, constant, Metadata.NONE);
    }

    /** Checks the fields fit their bit widths. */
    public Instruction {
        java.util.Objects.requireNonNull(metadata, "metadata");
        if ((opcode & ~0xff) != 0 || (dst & ~0xf) != 0 || (src & ~0xf) != 0) {
            throw new IllegalArgumentException(
                    String.format("instruction field out of range: opcode 0x%x dst %d src %d", opcode, dst, src));
        }
        if (opcode != Opcodes.LD_IMM64 && (constant < Integer.MIN_VALUE || constant > 0xffff_ffffL)) {
            throw new IllegalArgumentException(
                    String.format("immediate 0x%x does not fit 32 bits (opcode 0x%02x)", constant, opcode));
        }
    }

    /** True for the two-slot 64-bit immediate load. */
    public boolean isLoadImm64() {
        return opcode == Opcodes.LD_IMM64;
    }

    /** 2 for {@code lddw}, else 1. */
    public int slots() {
        return isLoadImm64() ? 2 : 1;
    }

    /** The 32-bit immediate as the kernel sees it in the first slot. */
    public int imm() {
        return (int) constant;
    }

    /** This instruction with another constant (e.g. a map fd patched in by a loader). */
    public Instruction withConstant(long c) {
        return new Instruction(opcode, dst, src, offset, c, metadata);
    }

    /** This instruction with other metadata (the bits stay). */
    public Instruction withMetadata(Metadata m) {
        return new Instruction(opcode, dst, src, offset, constant, m);
    }

    /** This instruction with another source field (e.g. a pseudo-instruction marker). */
    public Instruction withSrc(int s) {
        return new Instruction(opcode, dst, s, offset, constant, metadata);
    }

    /** This instruction with another offset (e.g. a resolved jump). */
    public Instruction withOffset(int off) {
        return new Instruction(opcode, dst, src, (short) off, constant, metadata);
    }

    /** Writes this instruction's slot(s) at {@code at} (little-endian) and returns the bytes written. */
    public int encode(MemorySegment out, long at) {
        out.set(JAVA_BYTE, at, (byte) opcode);
        out.set(JAVA_BYTE, at + 1, (byte) ((src << 4) | dst));
        out.set(JAVA_SHORT_UNALIGNED, at + 2, offset);
        out.set(JAVA_INT_UNALIGNED, at + 4, (int) constant);
        if (isLoadImm64()) {
            out.set(JAVA_INT_UNALIGNED, at + 8, 0);
            out.set(JAVA_INT_UNALIGNED, at + 12, (int) (constant >>> 32));
            return 16;
        }
        return 8;
    }

    /** Number of slots a list of instructions occupies. */
    public static int slotCount(List<Instruction> insns) {
        int n = 0;
        for (Instruction i : insns) {
            n += i.slots();
        }
        return n;
    }

    /** Encodes a program to its kernel byte form. */
    public static byte[] encodeAll(List<Instruction> insns) {
        byte[] b = new byte[slotCount(insns) * SLOT_SIZE];
        MemorySegment s = MemorySegment.ofArray(b);
        long at = 0;
        for (Instruction i : insns) {
            at += i.encode(s, at);
        }
        return b;
    }

    /**
     * Decodes a program from its byte form (a multiple of 8 bytes).
     *
     * @throws IllegalArgumentException when the length is not a multiple of 8 or an {@code lddw}
     *         is cut off at the end; the message names the byte offset
     */
    public static List<Instruction> decodeAll(byte[] code) {
        if (code.length % SLOT_SIZE != 0) {
            throw new IllegalArgumentException("BPF code of " + code.length + " bytes is not a multiple of 8");
        }
        ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        List<Instruction> out = new ArrayList<>(code.length / SLOT_SIZE);
        for (int at = 0; at < code.length; at += SLOT_SIZE) {
            int op = b.get(at) & 0xff;
            int regs = b.get(at + 1) & 0xff;
            short off = b.getShort(at + 2);
            long imm = b.getInt(at + 4);
            if (op == Opcodes.LD_IMM64) {
                if (at + 16 > code.length) {
                    throw new IllegalArgumentException(
                            "lddw at byte offset " + at + " is cut off by the end of the code");
                }
                imm = (imm & 0xffff_ffffL) | ((long) b.getInt(at + 12) << 32);
                out.add(new Instruction(op, regs & 0xf, regs >>> 4, off, imm));
                at += SLOT_SIZE;
            } else {
                out.add(new Instruction(op, regs & 0xf, regs >>> 4, off, imm));
            }
        }
        return out;
    }

    // ---- constructors for common instructions ----------------------------------------------

    /** {@code dst = imm} (64-bit). */
    public static Instruction mov64Imm(int dst, int imm) {
        return new Instruction(Opcodes.ALU64 | Opcodes.MOV | Opcodes.K, dst, 0, (short) 0, imm);
    }

    /** {@code dst = src} (64-bit). */
    public static Instruction mov64Reg(int dst, int src) {
        return new Instruction(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, dst, src, (short) 0, 0);
    }

    /** {@code dst op= imm} (64-bit), {@code op} one of {@link Opcodes#ADD} etc. */
    public static Instruction alu64Imm(int op, int dst, int imm) {
        return new Instruction(Opcodes.ALU64 | op | Opcodes.K, dst, 0, (short) 0, imm);
    }

    /** {@code dst op= src} (64-bit). */
    public static Instruction alu64Reg(int op, int dst, int src) {
        return new Instruction(Opcodes.ALU64 | op | Opcodes.X, dst, src, (short) 0, 0);
    }

    /** {@code dst = imm64}. */
    public static Instruction loadImm64(int dst, long imm) {
        return new Instruction(Opcodes.LD_IMM64, dst, 0, (short) 0, imm);
    }

    /** {@code dst = map fd} (pseudo instruction resolved by the kernel to the map). */
    public static Instruction loadMapFd(int dst, int mapFd) {
        return new Instruction(Opcodes.LD_IMM64, dst, Opcodes.PSEUDO_MAP_FD, (short) 0, mapFd & 0xffff_ffffL);
    }

    /** {@code dst = &map_value[offset]} of an array map with one element (global data). */
    public static Instruction loadMapValue(int dst, int mapFd, int offset) {
        return new Instruction(
                Opcodes.LD_IMM64,
                dst,
                Opcodes.PSEUDO_MAP_VALUE,
                (short) 0,
                (mapFd & 0xffff_ffffL) | ((long) offset << 32));
    }

    /** {@code dst = *(size *)(src + off)}, size one of {@link Opcodes#W} etc. */
    public static Instruction loadMem(int size, int dst, int src, int off) {
        return new Instruction(Opcodes.LDX | Opcodes.MEM | size, dst, src, (short) off, 0);
    }

    /** {@code *(size *)(dst + off) = src}. */
    public static Instruction storeMem(int size, int dst, int off, int src) {
        return new Instruction(Opcodes.STX | Opcodes.MEM | size, dst, src, (short) off, 0);
    }

    /** {@code *(size *)(dst + off) = imm}. */
    public static Instruction storeImm(int size, int dst, int off, int imm) {
        return new Instruction(Opcodes.ST | Opcodes.MEM | size, dst, 0, (short) off, imm);
    }

    /** {@code lock *(size *)(dst + off) += src} (size {@link Opcodes#W} or {@link Opcodes#DW}). */
    public static Instruction atomicAdd(int size, int dst, int off, int src) {
        return new Instruction(Opcodes.STX | Opcodes.ATOMIC | size, dst, src, (short) off, Opcodes.ADD);
    }

    /** {@code if dst op imm goto pc+off}, op one of {@link Opcodes#JEQ} etc. */
    public static Instruction jumpImm(int op, int dst, int imm, int off) {
        return new Instruction(Opcodes.JMP | op | Opcodes.K, dst, 0, (short) off, imm);
    }

    /** {@code if dst op src goto pc+off}. */
    public static Instruction jumpReg(int op, int dst, int src, int off) {
        return new Instruction(Opcodes.JMP | op | Opcodes.X, dst, src, (short) off, 0);
    }

    /** {@code goto pc+off}. */
    public static Instruction ja(int off) {
        return new Instruction(Opcodes.JMP | Opcodes.JA, 0, 0, (short) off, 0);
    }

    /** {@code call helper#id}. */
    public static Instruction call(int helperId) {
        return new Instruction(Opcodes.JMP | Opcodes.CALL, 0, 0, (short) 0, helperId);
    }

    /** {@code exit}. */
    public static Instruction exit() {
        return new Instruction(Opcodes.JMP | Opcodes.EXIT, 0, 0, (short) 0, 0);
    }
}
