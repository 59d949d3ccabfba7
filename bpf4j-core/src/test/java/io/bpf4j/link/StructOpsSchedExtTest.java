package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.VariableSpec;
import io.bpf4j.btf.KernelBtf;
import io.bpf4j.btf.Type;
import io.bpf4j.features.StructOpsFeatures;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A sched_ext scheduler from BPF (src/test/bpf/struct_ops_scx.bpf.c: one global FIFO) enabled by
 * attachAll and disabled by closing the object, checked in /sys/kernel/sched_ext. Its struct is a
 * flavor with three callbacks and the name, matched to the kernel's sched_ext_ops by member name.
 * Needs a kernel built with CONFIG_SCHED_CLASS_EXT (6.12+; the 7.x guest of scripts/vm-test.sh).
 */
class StructOpsSchedExtTest {
    private static final Path STATE = Path.of("/sys/kernel/sched_ext/state");
    private static final Path ROOT_OPS = Path.of("/sys/kernel/sched_ext/root/ops");

    private static String read(Path p) throws Exception {
        return Files.readString(p).trim();
    }

    private static long counter(BpfObject obj, ObjectSpec spec, String name) {
        VariableSpec v = spec.variables().get(name);
        byte[] bss = obj.map(v.section()).lookup(new byte[4]).orElseThrow();
        return ByteBuffer.wrap(bss).order(ByteOrder.LITTLE_ENDIAN).getLong(v.offset());
    }

    private static void awaitState(String want) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!read(STATE).equals(want) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(want, read(STATE));
    }

    @Test
    void globalFifoSchedulesUntilClosed() throws Exception {
        Kernel.assumeRoot();
        KernelFeature.assume(
                () -> StructOpsFeatures.supports("sched_ext_ops", "enqueue"),
                "sched_ext",
                () -> StructOpsFeatures.reason("sched_ext_ops", "enqueue"));
        assertEquals("disabled", read(STATE), "another sched_ext scheduler is running");
        boolean dsqInsert = KernelBtf.vmlinux()
                .findId("scx_bpf_dsq_insert", Type.Func.class)
                .isPresent();
        String name = "b4j_fifo_" + ProcessHandle.current().pid() + "_"
                + ThreadLocalRandom.current().nextInt(1000);
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("struct_ops_scx"))
                .withConstant("has_dsq_insert", dsqInsert)
                .withStructOpsMember("b4j_fifo", "name", name);
        try (BpfObject obj = spec.load()) {
            assertEquals("disabled", read(STATE), "enabled before attachAll");
            AttachAll.Result r = obj.attachAll();
            assertTrue(r.link("b4j_fifo").orElseThrow() instanceof StructOps, r.toString());
            awaitState("enabled");
            assertEquals(name, read(ROOT_OPS));
            long enqueued = counter(obj, spec, "enqueue_calls");
            long deadline = System.nanoTime() + 10_000_000_000L;
            // Every wakeup goes through select_cpu and enqueue; dispatch runs when a CPU looks for
            // work and the global queue is empty (the core consumes that queue first), as when
            // this thread sleeps.
            while ((counter(obj, spec, "enqueue_calls") == enqueued
                            || counter(obj, spec, "dispatch_calls") == 0
                            || counter(obj, spec, "select_calls") == 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(counter(obj, spec, "enqueue_calls") > enqueued, "enqueue never ran");
            assertTrue(counter(obj, spec, "dispatch_calls") > 0, "dispatch never ran");
            assertTrue(counter(obj, spec, "select_calls") > 0, "select_cpu never ran");
        }
        awaitState("disabled");
    }
}
