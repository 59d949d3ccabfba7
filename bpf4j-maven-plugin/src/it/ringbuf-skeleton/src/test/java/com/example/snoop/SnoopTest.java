package com.example.snoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.snoop.bpf.Snoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The skeleton the plugin generated from src/main/bpf/snoop.bpf.c, with no layout written here:
 * it loads, attaches, reports an exec through its typed ring buffer and counts it in its typed hash map.
 */
class SnoopTest {
    @Test
    void anExecComesOutOfTheRingBufferAndIsCounted() throws Exception {
        try (Snoop snoop = Snoop.load()) {
            snoop.attachAll();
            Process child = new ProcessBuilder("/bin/true").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long pid = child.pid();
            assertEquals(0, child.waitFor());
            List<Snoop.Event> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (seen.stream().noneMatch(e -> e.pid() == pid) && System.nanoTime() < deadline) {
                snoop.pollEvents(Duration.ofMillis(100), seen::add);
            }
            Snoop.Event e = seen.stream().filter(v -> v.pid() == pid).findFirst()
                    .orElseThrow(() -> new AssertionError("no event for pid " + pid + " among " + seen.size()));
            assertEquals(ProcessHandle.current().pid(), e.ppid(), "the exec'ing child's parent is this JVM");
            assertTrue(!e.comm().isEmpty(), "comm of " + e);
            long count = snoop.execs().lookup(pid).orElseThrow(() -> new AssertionError("execs has no entry for pid " + pid));
            assertTrue(count >= 1, "execs[" + pid + "] = " + count);
        }
    }
}
