package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernel BTF that is missing or broken is a BtfException on every call, never an Error of class initialization. */
class KernelBtfTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsABtfExceptionEveryTime() {
        KernelBtf.Parsed missing = new KernelBtf.Parsed(dir.resolve("vmlinux"));
        for (int i = 0; i < 2; i++) {
            BtfException e = assertThrows(BtfException.class, missing::get);
            assertTrue(e.getMessage().contains("the kernel has no BTF"), e.getMessage());
        }
    }

    @Test
    void aCorruptFileIsABtfExceptionEveryTime() throws Exception {
        Files.write(dir.resolve("vmlinux"), new byte[] {1, 2, 3});
        KernelBtf.Parsed corrupt = new KernelBtf.Parsed(dir.resolve("vmlinux"));
        for (int i = 0; i < 2; i++) {
            BtfException e = assertThrows(BtfException.class, corrupt::get);
            assertTrue(e.getMessage().contains("24-byte header"), e.getMessage());
        }
    }

    @Test
    void theKernelsBtfIsParsedOnce() {
        assertSame(KernelBtf.vmlinux(), KernelBtf.vmlinux());
    }
}
