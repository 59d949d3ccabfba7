package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Reg;
import io.bpf4j.testing.Kernel;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Arguments the kernel would answer with a bare EINVAL are named before the syscall. */
class ProgramBadInputTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static ProgramSpec xdp() {
        return ProgramSpec.builder("bad_in_xdp", ProgramType.XDP)
                .license("GPL")
                .instructions(List.of(Instruction.mov64Imm(Reg.R0, 2), Instruction.exit()))
                .build();
    }

    @Test
    void aLogLevelTheKernelDoesNotTakeIsNotAVerifierRejection() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Program.load(xdp(), LoadOptions.DEFAULT.withLogLevel(99)).close());
        assertTrue(e.getMessage().contains("log level 99"), e.getMessage());
    }

    @Test
    void aTestPacketShorterThanAnEthernetHeaderIsNamed() {
        try (Program p = Program.load(xdp())) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> p.testRun(TestRunOptions.data(new byte[2])));
            assertTrue(e.getMessage().contains("2 bytes") && e.getMessage().contains("14 bytes"), e.getMessage());
            p.testRun(TestRunOptions.data(new byte[14])); // the minimum runs
        }
    }
}
