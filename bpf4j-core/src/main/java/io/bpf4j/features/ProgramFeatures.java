package io.bpf4j.features;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.AttachType;
import io.bpf4j.Errno;
import io.bpf4j.ProgramType;
import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.KernelBtf;
import io.bpf4j.btf.Type;
import io.bpf4j.internal.sys.Attr;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the running kernel loads BTF-attached tracing programs (fentry, fexit, lsm), probed
 * once per attach type by loading the smallest such program ({@code r0 = 0; exit}) against a
 * kernel function meant for it, as libbpf's feature probes do, and cached for the life of the JVM.
 * A kernel can have the program type and still refuse it: lockdown or the build (no
 * CONFIG_BPF_LSM, no ftrace direct calls) answers EPERM, EINVAL or ENOTSUPP; the probe reports that.
 *
 * <pre>{@code
 * if (!ProgramFeatures.supports(AttachType.TRACE_FENTRY)) {
 *     System.err.println(ProgramFeatures.reason(AttachType.TRACE_FENTRY));
 * }
 * }</pre>
 */
public final class ProgramFeatures {
    private static final Map<AttachType, Integer> CACHE = new ConcurrentHashMap<>();
    /** Functions the kernel keeps for BPF tracing tests and LSM hooks: traceable on every kernel that has them. */
    private static final List<String> TRACING_TARGETS = List.of("bpf_fentry_test1", "do_nanosleep", "ksys_read");

    private static final List<String> LSM_TARGETS = List.of("bpf_lsm_file_open", "bpf_lsm_bpf");
    /** ENOENT stands for "no target function in kernel BTF" in the probe's results. */
    private static final int NO_TARGET = Errno.ENOENT.number();

    private ProgramFeatures() {}

    /**
     * Whether a minimal program of this attach type loads here (probed once per type, against
     * the first of the probe's target functions that kernel BTF has).
     *
     * @param type TRACE_FENTRY, TRACE_FEXIT or LSM_MAC
     * @return true when the probe program loaded
     */
    public static boolean supports(AttachType type) {
        return probeErrno(type) == 0;
    }

    /**
     * The errno the probe's BPF_PROG_LOAD gave.
     *
     * @param type TRACE_FENTRY, TRACE_FEXIT or LSM_MAC
     * @return 0 when it loaded; ENOENT when kernel BTF has none of the target functions; else the
     *     kernel's positive errno (EPERM where the kernel refuses these program types)
     */
    public static int probeErrno(AttachType type) {
        return CACHE.computeIfAbsent(type, ProgramFeatures::probe);
    }

    /**
     * Why the probe says what it says, for skip and error messages.
     *
     * @param type TRACE_FENTRY, TRACE_FEXIT or LSM_MAC
     * @return a sentence naming the type and the probe's result (errno name, or the missing targets)
     */
    public static String reason(AttachType type) {
        int e = probeErrno(type);
        if (e == 0) {
            return type + " programs load";
        }
        if (e == NO_TARGET) {
            return type + ": kernel BTF has none of the probe's target functions " + targets(type);
        }
        return type + " programs: BPF_PROG_LOAD of a minimal one gave " + Errno.nameOf(e)
                + (e == Errno.EPERM.number() ? " (refused by the kernel's policy, e.g. lockdown)" : "");
    }

    private static List<String> targets(AttachType type) {
        return type == AttachType.LSM_MAC ? LSM_TARGETS : TRACING_TARGETS;
    }

    private static int probe(AttachType type) {
        ProgramType progType =
                switch (type) {
                    case TRACE_FENTRY, TRACE_FEXIT -> ProgramType.TRACING;
                    case LSM_MAC -> ProgramType.LSM;
                    default -> throw new IllegalArgumentException("no probe for " + type + " programs");
                };
        Optional<Integer> target = kernelFunction(targets(type));
        if (target.isEmpty()) {
            return NO_TARGET;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(16, 8);
            insns.set(JAVA_LONG, 0, 0xb7L); // r0 = 0
            insns.set(JAVA_LONG, 8, 0x95L); // exit
            MemorySegment attr = arena.allocate(Attr.ProgLoad.LAYOUT);
            attr.set(JAVA_INT, Attr.ProgLoad.PROG_TYPE, progType.value());
            attr.set(JAVA_INT, Attr.ProgLoad.INSN_CNT, 2);
            attr.set(JAVA_LONG, Attr.ProgLoad.INSNS, insns.address());
            attr.set(JAVA_LONG, Attr.ProgLoad.LICENSE, arena.allocateFrom("GPL").address());
            attr.set(JAVA_INT, Attr.ProgLoad.EXPECTED_ATTACH_TYPE, type.value());
            attr.set(JAVA_INT, Attr.ProgLoad.ATTACH_BTF_ID, target.get());
            long r = Bpf.call(BpfCmd.PROG_LOAD, attr, (int) Attr.ProgLoad.LAYOUT.byteSize());
            if (r < 0) {
                return (int) -r;
            }
            new Fd((int) r, "probe program").close();
            return 0;
        }
    }

    private static Optional<Integer> kernelFunction(List<String> names) {
        try {
            Btf vmlinux = KernelBtf.vmlinux();
            for (String n : names) {
                Optional<Integer> id = vmlinux.findId(n, Type.Func.class);
                if (id.isPresent()) {
                    return id;
                }
            }
        } catch (BtfException e) {
            // no kernel BTF: no BTF-attached programs either
        }
        return Optional.empty();
    }
}
