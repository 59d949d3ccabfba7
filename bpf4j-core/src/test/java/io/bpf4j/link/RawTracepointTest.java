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
import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.asm.Reg;
import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw tracepoint links, and the bpf_link life cycle on them: info, pin, update, detach. */
class RawTracepointTest {
    private static final int SYS_GETPPID = 110;

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    /** Counts this thread's getppid calls seen at raw tracepoint sys_enter (args[1] is the nr). */
    static Program countGetppid(String name, BpfMap counter) {
        var insns = CounterPrograms.filter()
                .add(Instruction.loadMem(Opcodes.DW, Reg.R2, Reg.R1, 8))
                .skipIf(Opcodes.JNE, Reg.R2, SYS_GETPPID)
                .onlyThread(CounterPrograms.gettid())
                .count(counter, 0);
        return Program.load(ProgramSpec.builder(name, ProgramType.RAW_TRACEPOINT)
                .license("GPL")
                .instructions(insns)
                .build());
    }

    @Test
    void countsUntilClosedAndDescribesItself() {
        try (BpfMap counter = CounterPrograms.newCounter("rtp_count");
                Program prog = countGetppid("rtp_count", counter)) {
            try (var link = RawTracepoint.attach(prog, "sys_enter")) {
                CounterPrograms.getppid(4);
                assertEquals(4, CounterPrograms.read(counter));
                LinkInfo info = link.info();
                assertEquals(LinkType.RAW_TRACEPOINT, info.kind());
                assertTrue(info.id() > 0 && info.programId() > 0, info.toString());
            }
            CounterPrograms.getppid(2);
            assertEquals(4, CounterPrograms.read(counter));
        }
    }

    @Test
    void pinnedLinkOutlivesItsHandleUntilUnpinned() {
        Path pin = Kernel.bpffs()
                .resolve("bpf4j_attach_"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try (BpfMap counter = CounterPrograms.newCounter("rtp_pin");
                Program prog = countGetppid("rtp_pin", counter)) {
            try (var link = RawTracepoint.attach(prog, "sys_enter")) {
                link.pin(pin);
            }
            CounterPrograms.getppid(2);
            assertEquals(2, CounterPrograms.read(counter), "a pinned link keeps running after close");
            try (var again = Link.fromPin(pin)) {
                assertEquals(LinkType.RAW_TRACEPOINT, again.info().kind());
                Link.unpin(pin);
                assertFalse(Files.exists(pin));
                CounterPrograms.getppid(1);
                assertEquals(3, CounterPrograms.read(counter));
            }
            CounterPrograms.getppid(5);
            assertEquals(3, CounterPrograms.read(counter), "unpinned and closed: the program must stop");
        } finally {
            try {
                Files.deleteIfExists(pin);
            } catch (java.io.IOException ignored) {
                // best effort; the assertion above reports a pin that stayed
            }
        }
    }

    @Test
    void updateIsRefusedForRawTracepointsWithTheKernelsErrno() {
        // The kernel supports BPF_LINK_UPDATE only for cgroup, iter, netns, xdp, tcx, netkit and
        // struct_ops links; a raw tracepoint link must report that clearly.
        try (BpfMap a = CounterPrograms.newCounter("rtp_upd_a");
                BpfMap b = CounterPrograms.newCounter("rtp_upd_b");
                Program first = countGetppid("rtp_upd_a", a);
                Program second = countGetppid("rtp_upd_b", b);
                var link = RawTracepoint.attach(first, "sys_enter")) {
            BpfException e = assertThrows(BpfException.class, () -> link.update(second));
            assertTrue(e.getMessage().contains("rtp_upd_b"), e.getMessage());
            CounterPrograms.getppid(2);
            assertEquals(2, CounterPrograms.read(a));
            assertEquals(0, CounterPrograms.read(b));
        }
    }

    @Test
    void unknownRawTracepointIsNamed() {
        try (BpfMap counter = CounterPrograms.newCounter("rtp_none");
                Program prog = countGetppid("rtp_none", counter)) {
            BpfException e = assertThrows(BpfException.class, () -> RawTracepoint.attach(prog, "no_such_tp_x"));
            assertTrue(e.getMessage().contains("no_such_tp_x"), e.getMessage());
        }
    }
}
