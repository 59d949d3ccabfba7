package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Reg;
import io.bpf4j.testing.Kernel;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The foundation's program path: load hand-made code, run it, and a verifier rejection. */
class ProgramBasicsTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void xdpProgramReturnsItsConstant() {
        ProgramSpec spec = ProgramSpec.builder("ret_pass", ProgramType.XDP)
                .instructions(List.of(Instruction.mov64Imm(Reg.R0, 2), Instruction.exit()))
                .build();
        try (Program p = Program.load(spec)) {
            TestRunResult r = p.testRun(TestRunOptions.data(new byte[64]).withRepeat(10));
            assertEquals(2, r.returnValue());
        }
    }

    @Test
    void verifierRejectionCarriesTheLog() {
        // r0 is never set: the verifier says "R0 !read_ok".
        ProgramSpec spec = ProgramSpec.builder("bad", ProgramType.XDP)
                .instructions(List.of(Instruction.exit()))
                .build();
        VerifierException e = assertThrows(VerifierException.class, () -> Program.load(spec));
        assertTrue(e.log().contains("R0 !read_ok"), e.log());
        assertTrue(e.getMessage().contains("bad") && e.getMessage().contains("R0"), e.getMessage());
    }
}
