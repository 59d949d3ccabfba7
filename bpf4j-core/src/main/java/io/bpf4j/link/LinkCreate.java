package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;
import io.bpf4j.internal.sys.Scratch;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** BPF_LINK_CREATE for the link kinds whose attr is program, target and attach type (XDP, TCX, cgroup, iterators, netns). */
final class LinkCreate {
    private LinkCreate() {
    }

    /**
     * Creates a link.
     *
     * @param target the target fd or ifindex
     * @param feature names the link kind for a "not supported" error, {@code since} its Linux version
     */
    static Link create(Program program, int target, AttachType type, int flags, String what, String feature, String since) {
        String description = what + " -> program \"" + program.name() + "\"";
        MemorySegment attr = Scratch.get().attr(LinkAttr.CREATE_SIZE);
        attr.set(JAVA_INT, LinkAttr.CREATE_PROG_FD, program.fd());
        attr.set(JAVA_INT, LinkAttr.CREATE_TARGET_FD, target);
        attr.set(JAVA_INT, LinkAttr.CREATE_ATTACH_TYPE, type.value());
        attr.set(JAVA_INT, LinkAttr.CREATE_FLAGS, flags);
        long r = Bpf.call(BpfCmd.LINK_CREATE, attr, LinkAttr.CREATE_SIZE);
        if (r < 0) {
            throw Bpf.errorOrUnsupported("cannot attach " + description, r, BpfCmd.LINK_CREATE, description, feature, since);
        }
        return new Link(new Fd((int) r, "link " + description), Optional.empty(), description);
    }
}
