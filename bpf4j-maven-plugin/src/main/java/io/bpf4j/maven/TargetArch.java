package io.bpf4j.maven;

import java.util.Locale;

/**
 * The {@code __TARGET_ARCH_*} macro that libbpf's {@code bpf_tracing.h} needs to read registers
 * from a {@code pt_regs}, and the Debian multiarch include directory (for {@code <asm/types.h>}),
 * from a JVM {@code os.arch} or an arch name given in the configuration. The include directory
 * used is the build machine's (its headers are what is installed; the BPF target needs only their
 * generic types), the macro the configured target's.
 */
record TargetArch(String macro, String multiarch) {

    /**
     * @param arch a JVM {@code os.arch} ({@code amd64}, {@code aarch64}, ...) or a libbpf arch name
     *        ({@code x86}, {@code arm64}, ...)
     */
    static TargetArch of(String arch) {
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x86" -> new TargetArch("x86", "x86_64-linux-gnu");
            case "aarch64", "arm64" -> new TargetArch("arm64", "aarch64-linux-gnu");
            case "arm", "armv7l" -> new TargetArch("arm", "arm-linux-gnueabihf");
            case "ppc64le", "powerpc" -> new TargetArch("powerpc", "powerpc64le-linux-gnu");
            case "s390x", "s390" -> new TargetArch("s390", "s390x-linux-gnu");
            case "riscv64", "riscv" -> new TargetArch("riscv", "riscv64-linux-gnu");
            case "loongarch64", "loongarch" -> new TargetArch("loongarch", "loongarch64-linux-gnu");
            case "mips64el", "mips" -> new TargetArch("mips", "mips64el-linux-gnuabi64");
            default ->
                throw new IllegalArgumentException("bpf4j: unknown target arch '" + arch
                        + "': set <targetArch> to one of x86, arm64, arm, powerpc, s390, riscv, loongarch, mips");
        };
    }

    String define() {
        return "-D__TARGET_ARCH_" + macro;
    }
}
