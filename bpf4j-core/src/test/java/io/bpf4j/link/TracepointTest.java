package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TypedMap;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.Kernel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tracepoint and raw tracepoint links counting real events the test causes. */
class TracepointTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static void exec(int times) throws Exception {
        for (int i = 0; i < times; i++) {
            assertEquals(0, new ProcessBuilder("/bin/true").start().waitFor());
        }
    }

    @Test
    void execveTracepointCountsExecsUntilClosed() throws Exception {
        try (BpfObject obj =
                ObjectSpec.read(Kernel.bpfObject("link_tracepoint")).load()) {
            TypedMap<Integer, Long> counts = TypedMap.of(obj.map("counts"), Codecs.s32(), Codecs.s64());
            var link = Tracepoint.attach(obj.program("count_exec"), "syscalls/sys_enter_execve");
            exec(3);
            long seen = counts.get(0).orElseThrow();
            assertTrue(seen >= 3, "saw " + seen + " execs");
            link.close();
            link.close();
            exec(2);
            long after = counts.get(0).orElseThrow();
            exec(2);
            assertEquals(after, counts.get(0).orElseThrow(), "a closed link no longer fires");
        }
    }

    @Test
    void rawTracepointSeesOurOwnSyscalls() throws Exception {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("link_tracepoint"))
                .withConstant("target_tgid", (int) ProcessHandle.current().pid());
        try (BpfObject obj = spec.load();
                var link = RawTracepoint.attach(obj.program("count_sys_enter"), "sys_enter")) {
            TypedMap<Integer, Long> counts = TypedMap.of(obj.map("counts"), Codecs.s32(), Codecs.s64());
            for (int i = 0; i < 10; i++) {
                java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/status"));
            }
            assertTrue(counts.get(1).orElseThrow() >= 10, "saw " + counts.get(1));
            assertTrue(link.description().contains("sys_enter"));
        }
    }

    @Test
    void unknownTracepointIsAClearError() {
        try (BpfObject obj =
                ObjectSpec.read(Kernel.bpfObject("link_tracepoint")).load()) {
            BpfException e = assertThrows(
                    BpfException.class, () -> Tracepoint.attach(obj.program("count_exec"), "nope", "nothing"));
            assertTrue(e.getMessage().contains("nope/nothing"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Tracepoint.attach(obj.program("count_exec"), "noslash"));
        }
    }
}
