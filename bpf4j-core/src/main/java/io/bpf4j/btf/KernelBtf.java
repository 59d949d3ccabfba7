package io.bpf4j.btf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The running kernel's BTF ({@code /sys/kernel/btf/vmlinux}), read once on first use and shared.
 *
 * <pre>{@code
 * Type.Struct task = KernelBtf.vmlinux().find("task_struct", Type.Struct.class).orElseThrow();
 * }</pre>
 */
public final class KernelBtf {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    private KernelBtf() {
    }

    private static volatile Btf vmlinux;

    /**
     * The kernel's types.
     *
     * @throws UncheckedIOException when the kernel exposes no BTF
     */
    public static Btf vmlinux() {
        Btf b = vmlinux;
        if (b == null) {
            synchronized (KernelBtf.class) {
                b = vmlinux;
                if (b == null) {
                    try {
                        b = Btf.parse(Files.readAllBytes(VMLINUX));
                    } catch (IOException e) {
                        // Not cached: a later call tries again.
                        throw new UncheckedIOException("cannot read kernel BTF " + VMLINUX
                                + " (kernel built without CONFIG_DEBUG_INFO_BTF?)", e);
                    }
                    vmlinux = b;
                }
            }
        }
        return b;
    }
}
