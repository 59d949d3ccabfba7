package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.PermissionException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** setsockopt(2) for attaching BPF programs to sockets (SO_ATTACH_BPF, SO_DETACH_BPF, SO_ATTACH_REUSEPORT_EBPF). */
public final class Sockets {
    public static final long SYS_SETSOCKOPT = 54;
    public static final int SOL_SOCKET = 1;
    public static final int SO_ATTACH_BPF = 50;
    public static final int SO_DETACH_BPF = 27; // the same number as SO_DETACH_FILTER
    public static final int SO_ATTACH_REUSEPORT_EBPF = 52;
    public static final int SO_DETACH_REUSEPORT_BPF = 68;

    private Sockets() {}

    /**
     * {@code setsockopt(socket, SOL_SOCKET, option, &value, 4)}.
     *
     * @param what what is attached, for the error message
     */
    public static void setIntOption(int socket, int option, int value, String optionName, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            long r = Libc.syscall(SYS_SETSOCKOPT, socket, SOL_SOCKET, option, v.address(), 4, 0);
            if (r < 0) {
                int errno = (int) -r;
                String msg = "setsockopt(" + optionName + ") on socket fd " + socket + " failed";
                if (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) {
                    throw new PermissionException(msg, errno, "setsockopt(" + optionName + ")", what);
                }
                throw new BpfException(msg, errno, "setsockopt(" + optionName + ")", what);
            }
        }
    }
}
