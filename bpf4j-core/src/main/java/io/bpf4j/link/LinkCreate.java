package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;

/** BPF_LINK_CREATE for the link kinds whose attr is program, target and attach type (XDP, TCX, cgroup, iterators, netns). */
final class LinkCreate {
    private LinkCreate() {}

    /**
     * Creates a link; returns its fd.
     *
     * @param target the target fd or ifindex
     * @param description what is attached to what, for errors and the link
     * @param feature names the link kind for a "not supported" error, {@code since} its Linux version
     */
    static Fd create(
            Program program, int target, AttachType type, int flags, String description, String feature, String since) {
        return create(program, target, type, flags, 0, description, feature, since);
    }

    /** As above, with the TCX/netkit {@code relative_fd} (or id) at offset 16. */
    static Fd create(
            Program program,
            int target,
            AttachType type,
            int flags,
            int relative,
            String description,
            String feature,
            String since) {
        long r = relative != 0
                ? Links.createTcx(program.fd(), target, type.value(), flags, relative, 0)
                : Links.create(program.fd(), target, type.value(), flags);
        if (r < 0) {
            throw LinkErrors.refused(description, r, BpfCmd.LINK_CREATE, type, feature, since);
        }
        return new Fd((int) r, "link " + description);
    }

    /** "what -> program "name"": how links describe themselves. */
    static String describe(String what, Program program) {
        return what + " -> program \"" + program.name() + "\"";
    }

    /**
     * Checks before the call what the kernel would refuse with a bare EINVAL: a program of
     * another type than the attachment takes.
     */
    static void requireType(Program program, String attachment, io.bpf4j.ProgramType... types) {
        for (io.bpf4j.ProgramType t : types) {
            if (program.type() == t) {
                return;
            }
        }
        throw new IllegalArgumentException("program \"" + program.name() + "\" is a " + program.type()
                + " program; " + attachment + " takes "
                + (types.length == 1
                        ? "a " + types[0] + " program"
                        : "a program of type " + java.util.Arrays.toString(types)));
    }
}
