package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;
import io.bpf4j.KernelObjects;
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
            int id;
            try (var again = Link.fromPin(pin)) {
                assertEquals(LinkType.RAW_TRACEPOINT, again.info().kind());
                id = again.info().id();
                Link.unpin(pin);
                assertFalse(Files.exists(pin));
                CounterPrograms.getppid(1);
                assertEquals(3, CounterPrograms.read(counter));
            }
            // The pin's reference goes when bpffs frees its inode, after an RCU grace period
            // (bpf_free_inode), so the link may run a little longer: wait until the kernel has
            // released it (bounded: a link kept alive by a leaked fd fails here).
            long deadline = System.nanoTime() + 10_000_000_000L;
            long seen = CounterPrograms.read(counter);
            while (KernelObjects.linkIds().contains(id) || countsOneMore(counter, seen)) {
                assertTrue(System.nanoTime() < deadline, "unpinned and closed: link " + id + " still runs after 10 s");
                seen = CounterPrograms.read(counter);
                sleepMillis(20);
            }
            seen = CounterPrograms.read(counter);
            CounterPrograms.getppid(5);
            assertEquals(seen, CounterPrograms.read(counter), "unpinned and closed: the program must stop");
        } finally {
            try {
                Files.deleteIfExists(pin);
            } catch (java.io.IOException ignored) {
                // best effort; the assertion above reports a pin that stayed
            }
        }
    }

    /** Whether one getppid call still counts, from {@code seen}. */
    private static boolean countsOneMore(BpfMap counter, long seen) {
        CounterPrograms.getppid(1);
        return CounterPrograms.read(counter) != seen;
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
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
