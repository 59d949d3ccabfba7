package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.asm.Reg;
import io.bpf4j.testing.Kernel;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A real verifier rejection mapped back to the source line of the failing instruction. */
class VerifierSourceLoadTest {
    @Test
    void rejectionNamesTheSourceLine() {
        Kernel.assumeRoot();
        // 0: r0 = 0; 1: r0 = *(u64 *)(r10 + 8)  <- above the frame: rejected; 2: exit
        ProgramSpec spec = ProgramSpec.builder("src_reject", ProgramType.XDP)
                .instructions(List.of(
                        Instruction.mov64Imm(Reg.R0, 0),
                        Instruction.loadMem(Opcodes.DW, Reg.R0, Reg.R10, 8),
                        Instruction.exit()))
                .build();
        VerifierException raw = assertThrows(VerifierException.class, () -> Program.load(spec));
        assertEquals(OptionalInt.of(1), VerifierSource.lastInstruction(raw.log()), raw.log());
        List<SourceLine> lines = List.of(
                new SourceLine(0, "t.bpf.c", 3, 2, "int x = 0;"),
                new SourceLine(1, "t.bpf.c", 4, 9, "return *(long *)(frame + 8);"));
        VerifierException e = VerifierSource.withSource(raw, "src_reject", lines);
        assertTrue(
                e.getMessage().contains("at instruction 1, t.bpf.c:4:9: return *(long *)(frame + 8);"), e.getMessage());
        assertTrue(e.getMessage().contains("src_reject"), e.getMessage());
        assertEquals(raw.log(), e.log());
        assertEquals(raw.errnoNumber(), e.errnoNumber());
    }
}
