package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Fd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A cgroup program (cgroup_skb, cgroup/sock*, connect/bind/sendmsg hooks, sysctl, sockopt,
 * device, sock_ops) on a cgroup v2 directory with a BPF link (Linux 5.7).
 *
 * <pre>{@code
 * try (Cgroup l = Cgroup.attach(prog, Path.of("/sys/fs/cgroup/app"), AttachType.CGROUP_INET_EGRESS)) { ... }
 * }</pre>
 */
public final class Cgroup extends KernelLink {

    /**
     * A cgroup v2 directory and the hook.
     *
     * @param path the cgroup directory
     * @param type the hook; empty: the program's expected attach type from its section
     */
    public record Spec(Path path, Optional<AttachType> type) implements AttachSpec {
        /** The cgroup at {@code path}, hook from the section. */
        public static Spec of(Path path) {
            return new Spec(path, Optional.empty());
        }

        /** The same at hook {@code t}. */
        public Spec type(AttachType t) {
            return new Spec(path, Optional.of(t));
        }

        @Override
        public String describe() {
            return "cgroup " + path + type.map(t -> " " + t).orElse("");
        }
    }

    private Cgroup(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /** Attaches {@code program} to the cgroup at {@code cgroupDir} for {@code type}. */
    public static Cgroup attach(Program program, Path cgroupDir, AttachType type) {
        return attach(program, new Spec(cgroupDir, Optional.of(type)));
    }

    /**
     * Attaches as {@code spec} says.
     *
     * @throws IllegalArgumentException when the spec has no attach type, or the path is not a cgroup v2 directory
     */
    public static Cgroup attach(Program program, Spec spec) {
        AttachType type = spec.type()
                .orElseThrow(() -> new IllegalArgumentException("cgroup attach of program \"" + program.name()
                        + "\" needs an attach type (e.g. AttachType.CGROUP_INET_EGRESS)"));
        String description = LinkCreate.describe("cgroup " + spec.path() + " " + type, program);
        try (Fd fd = open(spec.path())) {
            int raw = fd.acquire();
            try {
                return new Cgroup(
                        LinkCreate.create(program, raw, type, 0, description, "cgroup links", "5.7"), description);
            } finally {
                fd.release();
            }
        }
    }

    /**
     * Opens a cgroup v2 directory, checking first that it is one (a plain directory would make
     * the kernel answer a bare EBADF or EINVAL).
     */
    static Fd open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BpfException("no cgroup directory " + dir, Errno.ENOENT.number(), "open", dir.toString());
        }
        if (!Files.exists(dir.resolve("cgroup.procs")) || !Files.exists(dir.resolve("cgroup.controllers"))) {
            throw new IllegalArgumentException(dir + " is not a cgroup v2 directory (it has no cgroup.procs and"
                    + " cgroup.controllers; cgroup v2 is mounted as cgroup2, e.g. at /sys/fs/cgroup)");
        }
        return Fd.openDirectory(dir, "cgroup " + dir);
    }
}
