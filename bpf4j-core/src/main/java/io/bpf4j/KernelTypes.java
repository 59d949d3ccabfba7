package io.bpf4j;

import io.bpf4j.btf.CoreRawBtf;
import io.bpf4j.btf.CoreTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The running kernel's BTF for the loader (CO-RE, attach targets, ksyms), read once per JVM on
 * first need. Until the btf package's {@code KernelBtf} is wired in, it is the raw-bytes view.
 */
final class KernelTypes {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static volatile CoreTypes vmlinux;

    private KernelTypes() {
    }

    /**
     * vmlinux BTF.
     *
     * @throws NotSupportedException when the kernel exposes no BTF (CONFIG_DEBUG_INFO_BTF)
     */
    static CoreTypes vmlinux() {
        CoreTypes t = vmlinux;
        if (t == null) {
            synchronized (KernelTypes.class) {
                t = vmlinux;
                if (t == null) {
                    if (!Files.isReadable(VMLINUX)) {
                        throw new NotSupportedException("kernel BTF (" + VMLINUX + ")", "5.4", 0, "", "");
                    }
                    try {
                        t = CoreRawBtf.parse(Files.readAllBytes(VMLINUX));
                    } catch (IOException e) {
                        throw new BpfException("cannot read " + VMLINUX + ": " + e.getMessage(), e);
                    }
                    vmlinux = t;
                }
            }
        }
        return t;
    }
}
