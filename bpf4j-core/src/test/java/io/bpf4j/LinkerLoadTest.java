package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.asm.Reg;
import io.bpf4j.testing.Kernel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Subprogram linking: layout, call offsets, ext records, and the kernel running the result. */
class LinkerLoadTest {
    private static Instruction call() {
        return new Instruction(Opcodes.JMP | Opcodes.CALL, 0, Opcodes.PSEUDO_CALL, (short) 0, -1);
    }

    private static Instruction funcRef(int dst) {
        return new Instruction(Opcodes.LD_IMM64, dst, Opcodes.PSEUDO_FUNC, (short) 0, 0);
    }

    // xdp section: r1 = 5; r0 = add3(r1); r1 = r0; r0 = twice_add3(r1); exit
    static final List<Instruction> XDP = List.of(
            Instruction.mov64Imm(Reg.R1, 5), call(), Instruction.mov64Reg(Reg.R1, Reg.R0), call(), Instruction.exit());
    // .text: add3 at 0 (3 slots), twice_add3 at 3 (calls add3, 3 slots), unused at 6 (2 slots)
    static final List<Instruction> TEXT = List.of(
            Instruction.mov64Reg(Reg.R0, Reg.R1),
            Instruction.alu64Imm(Opcodes.ADD, Reg.R0, 3),
            Instruction.exit(),
            call(),
            Instruction.alu64Imm(Opcodes.MUL, Reg.R0, 2),
            Instruction.exit(),
            Instruction.mov64Imm(Reg.R0, 99),
            Instruction.exit());
    static final Linker.Function PROG = new Linker.Function("prog", "xdp", 0, 5);
    static final Linker.Function ADD3 = new Linker.Function("add3", ".text", 0, 3);
    static final Linker.Function TWICE = new Linker.Function("twice_add3", ".text", 3, 3);
    static final Linker.Function UNUSED = new Linker.Function("unused", ".text", 6, 2);
    static final List<Linker.Function> FUNCS = List.of(PROG, ADD3, TWICE, UNUSED);
    static final List<Linker.CodeRef> REFS = List.of(
            new Linker.CodeRef("xdp", 1, ".text", 0),
            new Linker.CodeRef("xdp", 3, ".text", 3),
            new Linker.CodeRef(".text", 3, ".text", 0));

    @Test
    void appendsCalledSubprogramsOnceAndFixesOffsets() {
        List<Linker.Ext<String>> funcInfo = List.of(
                new Linker.Ext<>("xdp", 0, "prog"),
                new Linker.Ext<>(".text", 0, "add3"),
                new Linker.Ext<>(".text", 3, "twice_add3"),
                new Linker.Ext<>(".text", 6, "unused"));
        List<Linker.Ext<Integer>> lineInfo = List.of(new Linker.Ext<>(".text", 4, 42), new Linker.Ext<>("xdp", 2, 7));
        Linker.Linked<String, Integer> l =
                Linker.link(Map.of("xdp", XDP, ".text", TEXT), FUNCS, REFS, PROG, funcInfo, lineInfo);
        assertEquals(Map.of(PROG, 0, ADD3, 5, TWICE, 8), l.layout());
        List<Instruction> out = l.instructions();
        assertEquals(11, out.size());
        assertEquals(3, out.get(1).imm()); // slot 1 -> add3 at 5
        assertEquals(4, out.get(3).imm()); // slot 3 -> twice_add3 at 8
        assertEquals(-4, out.get(8).imm()); // slot 8 -> add3 at 5
        assertEquals(
                List.of(
                        new Linker.Placed<>(0, "prog"),
                        new Linker.Placed<>(5, "add3"),
                        new Linker.Placed<>(8, "twice_add3")),
                l.funcInfos());
        assertEquals(List.of(new Linker.Placed<>(2, 7), new Linker.Placed<>(9, 42)), l.lineInfos());
    }

    @Test
    void theKernelRunsTheLinkedProgram() {
        Kernel.assumeRoot();
        Linker.Linked<Object, Object> l =
                Linker.link(Map.of("xdp", XDP, ".text", TEXT), FUNCS, REFS, PROG, List.of(), List.of());
        ProgramSpec spec = ProgramSpec.builder("linked", ProgramType.XDP)
                .instructions(l.instructions())
                .build();
        try (Program p = Program.load(spec)) {
            // add3(5) = 8; twice_add3(8) = (8 + 3) * 2 = 22
            assertEquals(22, p.testRun(TestRunOptions.data(new byte[64])).returnValue());
        }
    }

    @Test
    void functionReferencesAreRelativeLikeCalls() {
        // lddw r2, &unused (two slots) then exit; the reference sits in slot 0, next instruction slot 2.
        List<Instruction> prog = List.of(funcRef(Reg.R2), Instruction.mov64Imm(Reg.R0, 0), Instruction.exit());
        Linker.Function entry = new Linker.Function("cbuser", "tc", 0, 4);
        Linker.Linked<Object, Object> l = Linker.link(
                Map.of("tc", prog, ".text", TEXT),
                List.of(entry, ADD3, TWICE, UNUSED),
                List.of(new Linker.CodeRef("tc", 0, ".text", 6)),
                entry,
                List.of(),
                List.of());
        assertEquals(Map.of(entry, 0, UNUSED, 4), l.layout());
        assertEquals(3, l.instructions().get(0).imm()); // 4 - (0 + 1)
        assertEquals(Instruction.mov64Imm(Reg.R0, 99), l.instructions().get(3));
    }

    @Test
    void aCallIntoNoFunctionIsNamed() {
        BpfException e = assertThrows(
                BpfException.class,
                () -> Linker.link(Map.of("xdp", XDP, ".text", TEXT), List.of(PROG), REFS, PROG, List.of(), List.of()));
        assertTrue(e.getMessage().contains("prog") && e.getMessage().contains(".text+0"), e.getMessage());
    }
}
