package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Libc;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * Attaches a cgroup program (cgroup_skb, cgroup/sock*, connect/bind/sendmsg hooks, sysctl,
 * sockopt, device, sock_ops) to a cgroup v2 directory with a BPF link (Linux 5.7).
 *
 * <pre>{@code
 * try (Link l = Cgroups.attach(prog, Path.of("/sys/fs/cgroup/unified/app"), AttachType.CGROUP_INET_EGRESS)) { ... }
 * }</pre>
 */
public final class Cgroups {
    private static final int O_RDONLY_DIRECTORY_CLOEXEC = 0x10000 | 0x80000;

    private Cgroups() {
    }

    /** Attaches {@code program} to the cgroup at {@code cgroupDir} for {@code type}. */
    public static Link attach(Program program, Path cgroupDir, AttachType type) {
        try (Arena arena = Arena.ofConfined()) {
            long fd = Libc.syscall(Libc.SYS_OPENAT, -100, arena.allocateFrom(cgroupDir.toString()).address(),
                    O_RDONLY_DIRECTORY_CLOEXEC, 0, 0, 0);
            if (fd < 0) {
                throw new BpfException("cannot open cgroup " + cgroupDir, (int) -fd, "open", cgroupDir.toString());
            }
            try {
                return LinkCreate.create(program, (int) fd, type, 0, "cgroup " + cgroupDir + " " + type,
                        "cgroup links", "5.7");
            } finally {
                Libc.syscall(Libc.SYS_CLOSE, fd, 0, 0);
            }
        }
    }
}
