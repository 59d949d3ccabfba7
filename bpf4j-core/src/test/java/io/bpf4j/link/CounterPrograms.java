package io.bpf4j.link;

import io.bpf4j.BpfMap;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.asm.Helpers;
import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.asm.Reg;
import io.bpf4j.internal.sys.Libc;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hand-assembled test programs that add 1 to slot 0 of a one-entry ARRAY map when a filter
 * passes, so a test counts exactly its own events even while other tests run on the machine.
 */
final class CounterPrograms {
    private final List<Instruction> insns = new ArrayList<>();
    private final List<Integer> jumpsToEnd = new ArrayList<>();

    private CounterPrograms() {}

    /** A new program body; add filters, then {@link #count}. */
    static CounterPrograms filter() {
        return new CounterPrograms();
    }

    CounterPrograms add(Instruction i) {
        insns.add(i);
        return this;
    }

    /** Skips the count unless {@code dst op imm} (op one of Opcodes.JNE, ...) is false. */
    CounterPrograms skipIf(int op, int dst, int imm) {
        jumpsToEnd.add(insns.size());
        return add(Instruction.jumpImm(op, dst, imm, 0));
    }

    /** An unconditional jump past the count. */
    CounterPrograms skipAlways() {
        jumpsToEnd.add(insns.size());
        return add(Instruction.ja(0));
    }

    /** 32-bit variant of {@link #skipIf}. */
    CounterPrograms skipIf32(int op, int dst, int imm) {
        jumpsToEnd.add(insns.size());
        return add(new Instruction(Opcodes.JMP32 | op | Opcodes.K, dst, 0, (short) 0, imm));
    }

    /** Skips unless the running thread is {@code tid}. */
    CounterPrograms onlyThread(int tid) {
        add(Instruction.call(Helpers.GET_CURRENT_PID_TGID));
        return skipIf32(Opcodes.JNE, Reg.R0, tid);
    }

    /** Ends the program: count, then return {@code ret}. */
    List<Instruction> count(BpfMap counter, int ret) {
        add(Instruction.storeImm(Opcodes.W, Reg.R10, -4, 0));
        add(Instruction.mov64Reg(Reg.R2, Reg.R10));
        add(Instruction.alu64Imm(Opcodes.ADD, Reg.R2, -4));
        add(Instruction.loadMapFd(Reg.R1, counter.fd()));
        add(Instruction.call(Helpers.MAP_LOOKUP_ELEM));
        jumpsToEnd.add(insns.size());
        add(Instruction.jumpImm(Opcodes.JEQ, Reg.R0, 0, 0));
        add(Instruction.mov64Imm(Reg.R1, 1));
        add(Instruction.atomicAdd(Opcodes.DW, Reg.R0, 0, Reg.R1));
        int end = insns.size();
        add(Instruction.mov64Imm(Reg.R0, ret));
        add(Instruction.exit());
        for (int j : jumpsToEnd) {
            int slots = 0;
            for (int k = j + 1; k < end; k++) {
                slots += insns.get(k).slots();
            }
            Instruction i = insns.get(j);
            insns.set(j, new Instruction(i.opcode(), i.dst(), i.src(), (short) slots, i.constant()));
        }
        return List.copyOf(insns);
    }

    /** A one-slot u64 ARRAY map. */
    static BpfMap newCounter(String name) {
        return BpfMap.create(MapSpec.builder(MapType.ARRAY)
                .name(name)
                .keySize(4)
                .valueSize(8)
                .maxEntries(1)
                .build());
    }

    /** The value of slot 0. */
    static long read(BpfMap counter) {
        Optional<byte[]> v = counter.lookup(new byte[4]);
        byte[] b = v.orElseThrow();
        long x = 0;
        for (int i = 7; i >= 0; i--) {
            x = (x << 8) | (b[i] & 0xff);
        }
        return x;
    }

    static int gettid() {
        return (int) Libc.syscall(Libc.SYS_GETTID, 0, 0, 0);
    }

    /** getppid(2) on this thread, {@code times} times: a syscall the JVM itself never makes here. */
    static void getppid(int times) {
        for (int i = 0; i < times; i++) {
            Libc.syscall(110, 0, 0, 0);
        }
    }

    /** A little-endian u64 of 8 bytes of {@code s} from {@code from} (NUL-padded). */
    static long word(String s, int from) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long x = 0;
        for (int i = 7; i >= 0; i--) {
            int k = from + i;
            x = (x << 8) | (k < b.length ? b[k] & 0xff : 0);
        }
        return x;
    }
}
