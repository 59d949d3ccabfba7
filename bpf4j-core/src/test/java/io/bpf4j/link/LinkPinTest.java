package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.testing.Kernel;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Link pins: a missing parent directory is made as libbpf does; unpin of a missing pin says so. */
class LinkPinTest {
    private static final long PID = ProcessHandle.current().pid();

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void pinMakesItsParentDirectoryLikeLibbpf() throws Exception {
        Path dir = Kernel.bpffs().resolve("bpf4j_pindir_" + PID);
        Path pin = dir.resolve("tp");
        try (BpfObject obj = AttachLanesTest.lanes().load();
                RawTracepoint link = RawTracepoint.attach(obj.program("raw"), "sys_enter")) {
            // a raw tracepoint: a BPF link on every kernel (a tracepoint is a perf event without one before 5.15)
            link.pin(pin);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            try (KernelLink again = Link.fromPin(pin)) {
                assertTrue(again instanceof PinnedLink);
                assertEquals(link.info().id(), again.info().id());
            }
            Link.unpin(pin);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Link.unpin(pin));
            assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        } finally {
            Files.deleteIfExists(pin);
            Files.deleteIfExists(dir);
        }
    }
}
