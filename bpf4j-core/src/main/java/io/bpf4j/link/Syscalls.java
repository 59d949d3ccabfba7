package io.bpf4j.link;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kernel function behind a system call, as libbpf's {@code ksyscall} finds it: kernels with
 * syscall wrappers (x86-64 since 4.17, arm64 since 4.19, ...) name it {@code __<arch>_sys_NAME};
 * older ones {@code sys_NAME}. Whether the kernel has wrappers is probed once, on
 * {@code __<arch>_sys_bpf} in {@code /proc/kallsyms} (libbpf probes the same symbol).
 */
final class Syscalls {
    private static volatile Optional<Boolean> wrappers;

    private Syscalls() {}

    /** The architecture's syscall prefix, libbpf's {@code arch_specific_syscall_pfx}. */
    static Optional<String> archPrefix() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> Optional.of("x64");
            case "x86", "i386", "i686" -> Optional.of("ia32");
            case "aarch64", "arm64" -> Optional.of("arm64");
            case "arm" -> Optional.of("arm");
            case "s390x" -> Optional.of("s390x");
            case "ppc64", "ppc64le" -> Optional.of("powerpc");
            case "riscv64" -> Optional.of("riscv");
            case "loongarch64" -> Optional.of("loongarch");
            case "mips", "mipsel", "mips64", "mips64el" -> Optional.of("mips");
            default -> Optional.empty();
        };
    }

    /** The kernel function to probe for system call {@code name}. */
    static String function(String name) {
        Optional<String> prefix = archPrefix();
        if (prefix.isPresent() && hasWrappers(prefix.get())) {
            return "__" + prefix.get() + "_sys_" + name;
        }
        return "sys_" + name;
    }

    private static boolean hasWrappers(String prefix) {
        Optional<Boolean> w = wrappers;
        if (w == null) {
            w = Optional.of(hasSymbol(Path.of("/proc/kallsyms"), "__" + prefix + "_sys_bpf"));
            wrappers = w;
        }
        return w.get();
    }

    /** Whether {@code file} (kallsyms format) lists {@code symbol}, whatever its address reads as. */
    static boolean hasSymbol(Path file, String symbol) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null) {
                int s2 = line.indexOf(' ', line.indexOf(' ') + 1);
                if (s2 < 0) {
                    continue;
                }
                int end = line.indexOf('\t', s2 + 1);
                if (line.regionMatches(s2 + 1, symbol, 0, symbol.length())
                        && (end < 0 ? line.length() : end) == s2 + 1 + symbol.length()) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false; // no kallsyms: libbpf then assumes no wrappers as well
        }
    }
}
