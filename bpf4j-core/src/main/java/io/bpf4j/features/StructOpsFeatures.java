package io.bpf4j.features;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.Errno;
import io.bpf4j.ProgramType;
import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.CoreTypes;
import io.bpf4j.btf.KernelBtf;
import io.bpf4j.internal.sys.Attr;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the running kernel takes struct_ops of a given kind (e.g. {@code tcp_congestion_ops},
 * {@code sched_ext_ops}): its BTF has the struct and its {@code bpf_struct_ops_NAME} value type,
 * and a minimal struct_ops program ({@code r0 = 0; exit}) for one of its function pointer members
 * loads. Cached per struct and member for the life of the JVM. A kernel can have the types and
 * still refuse the programs (ENOTSUPP when the build or a policy leaves struct_ops programs out).
 *
 * <pre>{@code
 * if (!StructOpsFeatures.supports("tcp_congestion_ops", "ssthresh")) {
 *     System.err.println(StructOpsFeatures.reason("tcp_congestion_ops", "ssthresh"));
 * }
 * }</pre>
 */
public final class StructOpsFeatures {
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private StructOpsFeatures() {}

    /**
     * Whether a minimal struct_ops program for one member of a kernel struct_ops type loads here
     * (probed once per pair, then cached).
     *
     * @param structName the struct_ops type in kernel BTF, e.g. {@code tcp_congestion_ops}
     * @param member the function-pointer member the probe program implements, e.g. {@code ssthresh}
     * @return true when the probe program loaded
     */
    public static boolean supports(String structName, String member) {
        return reason(structName, member).isEmpty();
    }

    /**
     * Why struct_ops {@code structName} is not usable here, for skip and error messages.
     *
     * @param structName the struct_ops type in kernel BTF, e.g. {@code tcp_congestion_ops}
     * @param member the function-pointer member the probe program implements
     * @return empty when the probe loaded, else what failed (no such type or member, the errno)
     */
    public static String reason(String structName, String member) {
        return CACHE.computeIfAbsent(structName + "." + member, k -> probe(structName, member));
    }

    /**
     * Whether this kernel registers struct_ops maps through BPF links ({@code SEC(".struct_ops.link")},
     * Linux 6.4): its BTF's {@code enum bpf_attach_type} has {@code BPF_STRUCT_OPS}. Older kernels
     * take only the legacy registration by map update ({@code SEC(".struct_ops")}).
     *
     * @return true when struct_ops maps can be registered through links
     */
    public static boolean supportsLinks() {
        return CACHE.computeIfAbsent("link", k -> {
                    try {
                        Btf vmlinux = KernelBtf.vmlinux();
                        for (int id : vmlinux.idsNamed("bpf_attach_type")) {
                            if (vmlinux.kind(id) == CoreTypes.ENUM) {
                                for (int i = 0; i < vmlinux.vlen(id); i++) {
                                    if (vmlinux.type(id) instanceof io.bpf4j.btf.Type.Enum e
                                            && e.values().get(i).name().equals("BPF_STRUCT_OPS")) {
                                        return "";
                                    }
                                }
                            }
                        }
                        return "enum bpf_attach_type in the kernel's BTF has no BPF_STRUCT_OPS (struct_ops links: Linux 6.4)";
                    } catch (BtfException e) {
                        return "no kernel BTF: " + e.getMessage();
                    }
                })
                .isEmpty();
    }

    private static String probe(String name, String member) {
        Btf vmlinux;
        try {
            vmlinux = KernelBtf.vmlinux();
        } catch (BtfException e) {
            return "no kernel BTF: " + e.getMessage();
        }
        int type = structNamed(vmlinux, name);
        if (type < 0 || structNamed(vmlinux, "bpf_struct_ops_" + name) < 0) {
            return "kernel BTF has no struct " + name + " with a bpf_struct_ops_" + name
                    + " value type (the kernel was built without it)";
        }
        int index = -1;
        for (int i = 0; i < vmlinux.vlen(type); i++) {
            if (vmlinux.memberName(type, i).equals(member)) {
                index = i;
            }
        }
        if (index < 0) {
            return "the kernel's struct " + name + " has no member " + member;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(16, 8);
            insns.set(JAVA_LONG, 0, 0xb7L); // r0 = 0
            insns.set(JAVA_LONG, 8, 0x95L); // exit
            MemorySegment attr = arena.allocate(Attr.ProgLoad.LAYOUT);
            attr.set(JAVA_INT, Attr.ProgLoad.PROG_TYPE, ProgramType.STRUCT_OPS.value());
            attr.set(JAVA_INT, Attr.ProgLoad.INSN_CNT, 2);
            attr.set(JAVA_LONG, Attr.ProgLoad.INSNS, insns.address());
            attr.set(JAVA_LONG, Attr.ProgLoad.LICENSE, arena.allocateFrom("GPL").address());
            attr.set(JAVA_INT, Attr.ProgLoad.EXPECTED_ATTACH_TYPE, index);
            attr.set(JAVA_INT, Attr.ProgLoad.ATTACH_BTF_ID, type);
            long r = Bpf.call(BpfCmd.PROG_LOAD, attr, (int) Attr.ProgLoad.LAYOUT.byteSize());
            if (r < 0) {
                int e = (int) -r;
                return "BPF_PROG_LOAD of a minimal struct_ops program for " + name + "." + member + " gave "
                        + Errno.nameOf(e)
                        + (e == Errno.ENOTSUPP.number() || e == Errno.EOPNOTSUPP.number()
                                ? " (this kernel's build or policy refuses struct_ops programs)"
                                : "");
            }
            new Fd((int) r, "probe program").close();
            return "";
        }
    }

    private static int structNamed(Btf btf, String name) {
        for (int id : btf.idsNamed(name)) {
            if (btf.kind(id) == CoreTypes.STRUCT) {
                return id;
            }
        }
        return -1;
    }
}
