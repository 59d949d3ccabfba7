package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.asm.Helpers;
import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.asm.Reg;
import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tracepoints counting exactly this test's own syscalls and execs (other tests run at the same time), then no more. */
class SyscallCountTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static Program load(String name, List<Instruction> insns) {
        return Program.load(ProgramSpec.builder(name, ProgramType.TRACEPOINT)
                .license("GPL")
                .instructions(insns)
                .build());
    }

    @Test
    void countsThisThreadsSyscallsUntilClosed() {
        try (BpfMap counter = CounterPrograms.newCounter("tp_getppid");
                Program prog = load(
                        "tp_getppid",
                        CounterPrograms.filter()
                                .onlyThread(CounterPrograms.gettid())
                                .count(counter, 0))) {
            try (var link = Tracepoint.attach(prog, "syscalls", "sys_enter_getppid")) {
                CounterPrograms.getppid(5);
                assertEquals(5, CounterPrograms.read(counter));
                if (LinkErrors.knowsEnumerator("bpf_attach_type", "BPF_PERF_EVENT")
                        .orElse(true)) {
                    assertTrue(link.isBpfLink(), link.toString());
                    LinkInfo info = link.info();
                    assertEquals(LinkType.PERF_EVENT, info.kind());
                    assertTrue(info.id() > 0 && info.programId() > 0, info.toString());
                } else {
                    // before 5.15 the program sits on the perf event itself: no link to inspect or pin
                    assertFalse(link.isBpfLink(), link.toString());
                    io.bpf4j.NotSupportedException e = assertThrows(io.bpf4j.NotSupportedException.class, link::info);
                    assertEquals(java.util.Optional.of("5.15"), e.since(), e.getMessage());
                    assertTrue(e.getMessage().contains("PERF_EVENT_IOC_SET_BPF"), e.getMessage());
                    assertThrows(
                            io.bpf4j.NotSupportedException.class,
                            () -> link.pin(java.nio.file.Path.of("/sys/fs/bpf/bpf4j_never_"
                                    + ProcessHandle.current().pid())));
                }
            }
            CounterPrograms.getppid(3);
            assertEquals(5, CounterPrograms.read(counter), "the program fired after its link was closed");
        }
    }

    @Test
    void execveTracepointCountsTheExecsOfThisTest() throws Exception {
        // A copy of /bin/true at a path of exactly 15 characters, so the program compares the
        // NUL-terminated filename as two 64-bit words.
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
        Path exe = Path.of("/tmp/b4j-" + "0".repeat(6 - suffix.length()) + suffix);
        assertEquals(15, exe.toString().length());
        Files.copy(Path.of("/bin/true"), exe);
        try {
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
            String p = exe.toString();
            try (BpfMap counter = CounterPrograms.newCounter("tp_execve");
                    Program prog = load(
                            "tp_execve",
                            CounterPrograms.filter()
                                    // r6 = ctx; r3 = ctx->filename (offset 16 in sys_enter_execve's format)
                                    .add(Instruction.mov64Reg(Reg.R6, Reg.R1))
                                    .add(Instruction.loadMem(Opcodes.DW, Reg.R3, Reg.R6, 16))
                                    .add(Instruction.mov64Reg(Reg.R1, Reg.R10))
                                    .add(Instruction.alu64Imm(Opcodes.ADD, Reg.R1, -16))
                                    .add(Instruction.mov64Imm(Reg.R2, 16))
                                    .add(Instruction.call(Helpers.PROBE_READ_USER_STR))
                                    .add(Instruction.loadMem(Opcodes.DW, Reg.R1, Reg.R10, -16))
                                    .add(Instruction.loadImm64(Reg.R2, CounterPrograms.word(p, 0)))
                                    .add(Instruction.jumpReg(Opcodes.JNE, Reg.R1, Reg.R2, 4))
                                    .add(Instruction.loadMem(Opcodes.DW, Reg.R1, Reg.R10, -8))
                                    .add(Instruction.loadImm64(Reg.R2, CounterPrograms.word(p, 8)))
                                    .add(Instruction.jumpReg(Opcodes.JEQ, Reg.R1, Reg.R2, 1))
                                    .skipAlways() // a mismatch skips the count
                                    .count(counter, 0))) {
                try (var _ = Tracepoint.attach(prog, "syscalls", "sys_enter_execve")) {
                    for (int i = 0; i < 3; i++) {
                        assertEquals(0, new ProcessBuilder(p).start().waitFor());
                    }
                    assertEquals(3, CounterPrograms.read(counter));
                }
                assertEquals(0, new ProcessBuilder(p).start().waitFor());
                assertEquals(3, CounterPrograms.read(counter), "the program fired after its link was closed");
            }
        } finally {
            Files.deleteIfExists(exe);
        }
    }

    @Test
    void unknownTracepointIsNamed() {
        try (BpfMap counter = CounterPrograms.newCounter("tp_none");
                Program prog = load("tp_none", CounterPrograms.filter().count(counter, 0))) {
            BpfException e = assertThrows(
                    BpfException.class, () -> Tracepoint.attach(prog, "syscalls", "sys_enter_no_such_call"));
            assertTrue(e.getMessage().contains("syscalls/sys_enter_no_such_call"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Tracepoint.attach(prog, "..", "x"));
        }
    }
}
