package io.bpf4j;

import io.bpf4j.asm.Instruction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * libbpf's virtual {@code .kconfig} externs: names starting with {@code LINUX_} that libbpf computes
 * itself instead of reading the kernel config. libbpf's own headers declare them
 * ({@code bpf_tracing.h}'s {@code BPF_KSYSCALL} reads {@code LINUX_HAS_SYSCALL_WRAPPER},
 * {@code usdt.bpf.h} reads {@code LINUX_HAS_BPF_COOKIE}), so an object built with those headers
 * needs them even though no config file has them.
 */
final class VirtualExterns {
    static final String KERNEL_VERSION = Kconfig.LINUX_KERNEL_VERSION;
    static final String HAS_BPF_COOKIE = "LINUX_HAS_BPF_COOKIE";
    static final String HAS_SYSCALL_WRAPPER = "LINUX_HAS_SYSCALL_WRAPPER";

    /** Every virtual extern libbpf 1.x knows; any other {@code LINUX_} name is refused, as libbpf does. */
    static final Set<String> NAMES = Set.of(KERNEL_VERSION, HAS_BPF_COOKIE, HAS_SYSCALL_WRAPPER);

    /** {@code BPF_FUNC_get_attach_cookie}: the helper whose presence libbpf probes for cookies. */
    private static final int GET_ATTACH_COOKIE = 174;

    private static volatile Boolean bpfCookie;
    private static volatile Boolean syscallWrapper;

    private VirtualExterns() {}

    static boolean isVirtual(String name) {
        return name.startsWith("LINUX_");
    }

    /**
     * The config-style value of a virtual extern ({@code y}/{@code n} for the feature flags, the
     * version word for {@code LINUX_KERNEL_VERSION}), or empty for an unknown {@code LINUX_} name.
     */
    static Optional<String> value(String name) {
        return switch (name) {
            case KERNEL_VERSION -> Optional.of(Integer.toString(Kconfig.linuxKernelVersion()));
            case HAS_BPF_COOKIE ->
                Optional.of(flag(cached(() -> bpfCookie, v -> bpfCookie = v, VirtualExterns::probeBpfCookie)));
            case HAS_SYSCALL_WRAPPER ->
                Optional.of(flag(
                        cached(() -> syscallWrapper, v -> syscallWrapper = v, VirtualExterns::probeSyscallWrapper)));
            default -> Optional.empty();
        };
    }

    private static String flag(boolean b) {
        return b ? "y" : "n";
    }

    private static boolean cached(
            Supplier<Boolean> get, java.util.function.Consumer<Boolean> set, Supplier<Boolean> probe) {
        Boolean v = get.get();
        if (v == null) {
            v = probe.get();
            set.accept(v);
        }
        return v;
    }

    /**
     * As libbpf's {@code probe_kern_bpf_cookie}: a tracepoint program that calls
     * {@code bpf_get_attach_cookie} loads only where the kernel has BPF cookies (5.15).
     */
    private static boolean probeBpfCookie() {
        ProgramSpec spec = ProgramSpec.builder("cookie_probe", ProgramType.TRACEPOINT)
                .instructions(List.of(Instruction.call(GET_ATTACH_COOKIE), Instruction.exit()))
                .license("GPL")
                .build();
        try {
            Program.load(spec).close();
            return true;
        } catch (BpfException e) {
            return false;
        }
    }

    /**
     * As libbpf's {@code probe_kern_syscall_wrapper}: whether a kprobe can be placed on the
     * architecture's syscall wrapper ({@code __x64_sys_bpf}, 4.17 on). libbpf answers by creating
     * that kprobe, so a kernel without kprobes (no kprobe PMU, no {@code kprobe_events}) reads as
     * "no wrapper" even where the symbol exists; the same answer here keeps programs' verified
     * code identical to libbpf's. With kprobes, the wrapper is there exactly when its symbol is.
     */
    private static boolean probeSyscallWrapper() {
        boolean kprobes = java.nio.file.Files.exists(java.nio.file.Path.of("/sys/bus/event_source/devices/kprobe/type"))
                || java.nio.file.Files.exists(java.nio.file.Path.of("/sys/kernel/tracing/kprobe_events"))
                || java.nio.file.Files.exists(java.nio.file.Path.of("/sys/kernel/debug/tracing/kprobe_events"));
        if (!kprobes) {
            return false;
        }
        String symbol = "__" + syscallPrefix() + "_sys_bpf";
        try {
            Map<String, Long> found = Kallsyms.addresses(List.of(symbol));
            return found.containsKey(symbol);
        } catch (BpfException e) {
            return false;
        }
    }

    /** libbpf's {@code arch_specific_syscall_pfx} for the architectures Java runs on. */
    static String syscallPrefix() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64" -> "arm64";
            case "riscv64" -> "riscv";
            case "s390x" -> "s390x";
            case "ppc64le", "ppc64" -> "powerpc";
            default -> "x64";
        };
    }
}
