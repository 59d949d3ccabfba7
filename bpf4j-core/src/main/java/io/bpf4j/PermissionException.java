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
        super(message + hint(), errnoNumber, command, object);
    }

    /** What to do: get the capabilities, or — already root — know that the kernel's policy refused. */
    private static String hint() {
        return isRoot()
                ? " — running as root, so the kernel's own policy refused it (lockdown, an LSM, or a kernel built without the feature)"
                : " — BPF needs root, or CAP_BPF + CAP_PERFMON (CAP_NET_ADMIN for networking)";
    }

    private static boolean isRoot() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // the effective uid
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unknown: give the capability hint
        }
        return false;
    }
}
