package io.bpf4j;

import io.bpf4j.btf.CoreTypes;
import io.bpf4j.btf.KernelBtf;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The running kernel's BTF for the loader (CO-RE, attach targets, ksyms), read once per JVM on
 * first need: {@link KernelBtf#vmlinux()}, shared with every other user of the kernel's types.
 */
final class KernelTypes {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static volatile CoreTypes vmlinux;

    private KernelTypes() {}

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
                    t = KernelBtf.vmlinux();
                    vmlinux = t;
                }
            }
        }
        return t;
    }
}
