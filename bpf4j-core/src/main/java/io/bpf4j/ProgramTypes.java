package io.bpf4j;

import io.bpf4j.btf.KernelBtf;
import io.bpf4j.btf.Type;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the running kernel knows a program type at all, asked of its own BTF
 * ({@code enum bpf_prog_type}): a kernel older than the type refuses the load with a bare
 * EINVAL and no verifier log, which bpf4j then reports as {@link NotSupportedException}
 * naming the type and the Linux version that brought it.
 */
final class ProgramTypes {
    /** Upstream versions of the program types a supported kernel (5.10 on) may lack. */
    private static final Map<ProgramType, String> SINCE =
            Map.of(ProgramType.SYSCALL, "5.14", ProgramType.NETFILTER, "6.4");

    private ProgramTypes() {}

    /** The exception for a load of {@code spec} refused with EINVAL and no log, when the kernel lacks its type. */
    static Optional<NotSupportedException> unsupported(ProgramSpec spec, int errno) {
        String enumerator = "BPF_PROG_TYPE_" + spec.type().name();
        boolean known;
        try {
            known = KernelBtf.vmlinux()
                    .find("bpf_prog_type", Type.Enum.class)
                    .map(e -> e.values().stream().anyMatch(v -> v.name().equals(enumerator)))
                    .orElse(true);
        } catch (RuntimeException noBtf) {
            return Optional.empty(); // no kernel BTF to ask: say nothing on a guess
        }
        if (known) {
            return Optional.empty();
        }
        return Optional.of(new NotSupportedException(
                "program type " + spec.type() + " (the kernel has no " + enumerator + ")",
                SINCE.getOrDefault(spec.type(), ""),
                errno,
                "BPF_PROG_LOAD",
                "program \"" + spec.name() + "\""));
    }
}
