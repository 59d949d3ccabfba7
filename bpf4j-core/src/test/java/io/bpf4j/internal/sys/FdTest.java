package io.bpf4j.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.FdLeakCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Owned fds: closed once, closed only after the last user, and detected when leaked. */
class FdTest {
    private static int openDevNull() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            long r = Libc.syscall(
                    Libc.SYS_OPENAT,
                    -100 /* AT_FDCWD */,
                    arena.allocateFrom("/dev/null").address(),
                    0x80000 /* O_CLOEXEC */,
                    0,
                    0,
                    0);
            assertTrue(r >= 0, "open /dev/null: " + r);
            return (int) r;
        }
    }

    private static boolean isOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void closeIsIdempotentAndReleasesTheNumber() {
        int raw = openDevNull();
        Fd fd = new Fd(raw, "test fd");
        assertTrue(isOpen(raw));
        fd.close();
        fd.close();
        assertFalse(isOpen(raw));
        assertThrows(IllegalStateException.class, fd::acquire);
    }

    @Test
    void closeWaitsForTheLastUser() {
        int raw = openDevNull();
        Fd fd = new Fd(raw, "test fd");
        assertEquals(raw, fd.acquire());
        fd.close();
        assertTrue(fd.isClosed());
        assertTrue(isOpen(raw), "the number stays open while a call uses it");
        fd.release();
        assertFalse(isOpen(raw));
    }

    @Test
    void negativeNumbersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Fd(-1, "bad"));
    }

    @Test
    void errnoComesBackNegated() {
        long r = Libc.syscall(Libc.SYS_CLOSE, 1_000_000, 0, 0);
        assertEquals(-io.bpf4j.Errno.EBADF.number(), r);
    }

    @Test
    void theLeakCheckSeesKernelObjects() {
        io.bpf4j.testing.Kernel.assumeRoot();
        var before = FdLeakCheck.kernelObjectFds();
        io.bpf4j.BpfMap map = io.bpf4j.BpfMap.create(io.bpf4j.MapSpec.builder(io.bpf4j.MapType.ARRAY)
                .name("leakprobe")
                .keySize(4)
                .valueSize(4)
                .maxEntries(1)
                .build());
        try {
            var during = FdLeakCheck.kernelObjectFds();
            assertTrue(
                    during.size() == before.size() + 1 && during.containsValue("anon_inode:bpf-map"),
                    during.toString());
        } finally {
            map.close();
        }
        assertEquals(before, FdLeakCheck.kernelObjectFds());
    }
}
