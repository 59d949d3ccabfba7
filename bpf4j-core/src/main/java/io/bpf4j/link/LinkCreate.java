package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;
import io.bpf4j.internal.sys.Scratch;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** BPF_LINK_CREATE for the link kinds whose attr is program, target and attach type (XDP, TCX, cgroup, iterators, netns). */
final class LinkCreate {
    private LinkCreate() {
    }

    /**
     * Creates a link; returns its fd.
     *
     * @param target the target fd or ifindex
     * @param description what is attached to what, for errors and the link
     * @param feature names the link kind for a "not supported" error, {@code since} its Linux version
     */
    static Fd create(Program program, int target, AttachType type, int flags, String description, String feature,
                     String since) {
        return create(program, target, type, flags, 0, description, feature, since);
    }

    /** As above, with the TCX/netkit {@code relative_fd} (or id) at offset 16. */
    static Fd create(Program program, int target, AttachType type, int flags, int relative, String description,
                     String feature, String since) {
        MemorySegment attr = Scratch.get().attr(LinkAttr.CREATE_SIZE);
        attr.set(JAVA_INT, LinkAttr.CREATE_PROG_FD, program.fd());
        attr.set(JAVA_INT, LinkAttr.CREATE_TARGET_FD, target);
        attr.set(JAVA_INT, LinkAttr.CREATE_ATTACH_TYPE, type.value());
        attr.set(JAVA_INT, LinkAttr.CREATE_FLAGS, flags);
        if (relative != 0) {
            attr.set(JAVA_INT, LinkAttr.CREATE_TCX_RELATIVE, relative);
        }
        long r = Bpf.call(BpfCmd.LINK_CREATE, attr, LinkAttr.CREATE_SIZE);
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
                + " program; " + attachment + " takes " + (types.length == 1 ? "a " + types[0] + " program"
                : "a program of type " + java.util.Arrays.toString(types)));
    }
}
