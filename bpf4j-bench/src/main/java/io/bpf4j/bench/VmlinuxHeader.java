package io.bpf4j.bench;

import io.bpf4j.btf.CHeaderWriter;
import io.bpf4j.btf.KernelBtf;
import java.io.PrintStream;

/**
 * Writes the running kernel's BTF as a C header to standard output: the whole-process
 * counterpart (JVM start included) of {@code bpftool btf dump file /sys/kernel/btf/vmlinux format c},
 * which bench.sh times side by side.
 */
public final class VmlinuxHeader {
    private VmlinuxHeader() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(
                new java.io.FileOutputStream(java.io.FileDescriptor.out),
                false,
                java.nio.charset.StandardCharsets.UTF_8);
        out.print(CHeaderWriter.write(KernelBtf.vmlinux()));
        out.flush();
    }
}
