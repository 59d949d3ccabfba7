package io.bpf4j;

/**
 * The kernel refused for lack of privilege or by its own rules (EPERM or EACCES). BPF needs root or
 * the capabilities CAP_BPF and CAP_PERFMON (CAP_NET_ADMIN for networking programs, CAP_SYS_ADMIN
 * on older kernels). Where bpf4j knows the reason (a frozen or read-only map, a path that is not a
 * pin) the message says it; otherwise it says which capabilities this process lacks, or, when it
 * has them, that the kernel's policy (lockdown, an LSM) refused.
 *
 * <pre>{@code
 * try {
 *     frozen.update(key, value, UpdateFlag.ANY);
 * } catch (PermissionException e) {
 *     System.err.println(e.getMessage()); // ... is frozen (BPF_MAP_FREEZE): user space can no longer write it ...
 * }
 * }</pre>
 */
public class PermissionException extends BpfException {
    private static final long serialVersionUID = 1L;

    /** A refusal whose reason bpf4j does not know: the message gets the capability hint. */
    public PermissionException(String message, int errnoNumber, String command, String object) {
        super(message + hint(), errnoNumber, command, object);
    }

    /** A refusal whose reason is known: {@code reason} says it, instead of the capability hint. */
    public PermissionException(String message, String reason, int errnoNumber, String command, String object) {
        super(message + " — " + reason, errnoNumber, command, object);
    }

    /** What to do: get the capabilities, or — already holding them — know that the kernel's policy refused. */
    private static String hint() {
        long caps = io.bpf4j.internal.sys.Capabilities.effective();
        boolean bpf = io.bpf4j.internal.sys.Capabilities.has(caps, io.bpf4j.internal.sys.Capabilities.CAP_BPF)
                || io.bpf4j.internal.sys.Capabilities.has(caps, io.bpf4j.internal.sys.Capabilities.CAP_SYS_ADMIN);
        return bpf
                ? " — this process has CAP_BPF/CAP_SYS_ADMIN, so the kernel's own policy refused it (lockdown, an LSM,"
                        + " a sysctl) or the operation is not allowed on this object"
                : " — BPF needs root, or CAP_BPF + CAP_PERFMON (CAP_NET_ADMIN for networking); this process lacks them";
    }
}
