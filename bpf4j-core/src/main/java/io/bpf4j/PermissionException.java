package io.bpf4j;

/**
 * The kernel refused for lack of privilege (EPERM or EACCES). BPF needs root or the capabilities
 * CAP_BPF and CAP_PERFMON (CAP_NET_ADMIN for networking programs, CAP_SYS_ADMIN on older
 * kernels); the message says so.
 */
public class PermissionException extends BpfException {
    private static final long serialVersionUID = 1L;

    /** See {@link BpfException#BpfException(String, int, String, String)}. */
    public PermissionException(String message, int errnoNumber, String command, String object) {
        super(message + " — BPF needs root, or CAP_BPF + CAP_PERFMON (CAP_NET_ADMIN for networking)",
                errnoNumber, command, object);
    }
}
