package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.asm.Reg;
import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Program.info(), fromPin, fromId and the translated code, on a program that uses a map. */
class ProgramInfoTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static ProgramSpec readsMap(BpfMap map) {
        // r1 = map; r2 = fp-4 (key 0); r0 = lookup; return 2
        return ProgramSpec.builder("info_probe", ProgramType.XDP)
                .instructions(List.of(
                        Instruction.storeImm(Opcodes.W, Reg.R10, -4, 0),
                        Instruction.mov64Reg(Reg.R2, Reg.R10),
                        Instruction.alu64Imm(Opcodes.ADD, Reg.R2, -4),
                        Instruction.loadMapFd(Reg.R1, map.fd()),
                        Instruction.call(1),
                        Instruction.mov64Imm(Reg.R0, 2),
                        Instruction.exit()))
                .build();
    }

    @Test
    void infoNamesTheProgramAndItsMap() {
        try (BpfMap map = BpfMap.create(MapSpec.builder(MapType.ARRAY)
                        .name("info_arr")
                        .keySize(4)
                        .valueSize(8)
                        .maxEntries(1)
                        .build());
                Program p = Program.load(readsMap(map))) {
            ProgramInfo info = p.info();
            assertTrue(info.id() > 0);
            assertEquals("info_probe", info.name());
            assertEquals(ProgramType.XDP, info.type().orElseThrow());
            assertEquals(List.of(map.info().id()), info.mapIds());
            assertEquals(16, info.tagHex().length());
            assertFalse(info.tagHex().equals("0000000000000000"));
            assertTrue(info.xlatedSize() > 0 && info.jitedSize() > 0, info.toString());
            // bpf_prog_info.verified_insns came in 5.16: an older kernel leaves it 0
            boolean counts = io.bpf4j.btf.KernelBtf.vmlinux()
                    .find("bpf_prog_info", io.bpf4j.btf.Type.Struct.class)
                    .orElseThrow()
                    .members()
                    .stream()
                    .anyMatch(m -> m.name().equals("verified_insns"));
            if (counts) {
                assertTrue(info.verifiedInstructions() >= 7, info.toString());
            } else {
                assertEquals(0, info.verifiedInstructions(), info.toString());
            }
            assertTrue(info.gplCompatible());

            List<Instruction> xlated = p.xlatedInstructions();
            assertEquals(info.xlatedSize(), Instruction.slotCount(xlated) * Instruction.SLOT_SIZE);
            // The last instruction survives translation unchanged.
            assertEquals(Instruction.exit(), xlated.get(xlated.size() - 1));
        }
    }

    @Test
    void openedByIdAndByPinIsTheSameProgram() throws Exception {
        Path pin =
                Kernel.bpffs().resolve("bpf4j_loader_" + ProcessHandle.current().pid() + "_info");
        try (Program p = Program.load(ProgramSpec.builder("info_pin", ProgramType.XDP)
                .instructions(List.of(Instruction.mov64Imm(Reg.R0, 1), Instruction.exit()))
                .build())) {
            ProgramInfo info = p.info();
            p.pin(pin);
            try (Program byPin = Program.fromPin(pin);
                    Program byId = Program.fromId(info.id())) {
                assertEquals(info.id(), byPin.info().id());
                assertEquals(info.id(), byId.info().id());
                assertArrayEquals(info.tag(), byId.info().tag());
                assertEquals("info_pin", byPin.name());
                assertEquals(ProgramType.XDP, byPin.type());
                assertEquals(
                        1,
                        byPin.testRun(io.bpf4j.TestRunOptions.data(new byte[64]))
                                .returnValue());
            }
        } finally {
            Files.deleteIfExists(pin);
        }
    }
}
