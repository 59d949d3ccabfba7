package io.bpf4j.testing;

import io.bpf4j.AttachType;
import io.bpf4j.MapType;
import io.bpf4j.features.MapFeatures;
import io.bpf4j.features.ProgramFeatures;
import io.bpf4j.internal.sys.Capabilities;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * The only honest reasons for a kernel test to skip: a feature probe says the running kernel
 * lacks the feature (the skip message carries {@link #MARKER} and the probe's reason), or the
 * process lacks the capabilities kernel tests need (no marker: with {@code -Dbpf4j.strictSkips=true},
 * as CI runs, that fails the build, see {@link StrictSkips}).
 *
 * <pre>{@code
 * KernelFeature.assumeMapType(MapType.ARENA);
 * KernelFeature.assume(Kprobe.supported(), "kprobes", "no kprobe PMU in /sys/bus/event_source/devices");
 * }</pre>
 */
public final class KernelFeature {
    /** Marks a skip that a feature probe decided; StrictSkips lets only these through. */
    public static final String MARKER = "[feature probe]";

    private KernelFeature() {}

    /**
     * Skips unless the process's effective capabilities (CapEff in /proc/self/status, what the
     * kernel checks, not the user name) allow BPF: CAP_BPF + CAP_PERFMON + CAP_NET_ADMIN, or
     * CAP_SYS_ADMIN.
     */
    public static void assumePrivileged() {
        long caps = Capabilities.effective();
        boolean bpf = Capabilities.has(caps, Capabilities.CAP_SYS_ADMIN)
                || Capabilities.has(caps, Capabilities.CAP_BPF)
                        && Capabilities.has(caps, Capabilities.CAP_PERFMON)
                        && Capabilities.has(caps, Capabilities.CAP_NET_ADMIN);
        Assumptions.assumeTrue(
                bpf,
                () -> "kernel tests need CAP_BPF + CAP_PERFMON + CAP_NET_ADMIN or CAP_SYS_ADMIN"
                        + " (run as root); this process's CapEff is 0x" + Long.toHexString(caps));
    }

    /** Skips when {@code probe} says the kernel lacks {@code feature}; {@code reason} is the probe's answer. */
    public static void assume(boolean probe, String feature, String reason) {
        Assumptions.assumeTrue(probe, () -> message(feature, reason));
    }

    /** {@link #assume(boolean, String, String)} with the probe and its reason computed lazily. */
    public static void assume(BooleanSupplier probe, String feature, Supplier<String> reason) {
        Assumptions.assumeTrue(probe, () -> message(feature, reason.get()));
    }

    /** Skips when this kernel cannot create maps of {@code type} (probed by {@link MapFeatures}). */
    public static void assumeMapType(MapType type) {
        assume(() -> MapFeatures.supports(type), "map type " + type, () -> MapFeatures.reason(type));
    }

    /** Skips when this kernel refuses minimal programs of {@code type} (probed by {@link ProgramFeatures}). */
    public static void assumeProgram(AttachType type) {
        assume(() -> ProgramFeatures.supports(type), type + " programs", () -> ProgramFeatures.reason(type));
    }

    private static String message(String feature, String reason) {
        return MARKER + " this kernel lacks " + feature + ": " + reason;
    }
}
