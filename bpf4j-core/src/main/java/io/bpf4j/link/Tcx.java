package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;
import io.bpf4j.internal.sys.Scratch;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Attaches a SCHED_CLS program to an interface's ingress or egress with a TCX link (Linux 6.6),
 * first or last among the programs there.
 *
 * <pre>{@code
 * try (Link l = Tcx.attach(prog, "eth0", Tcx.Direction.INGRESS, Tcx.Position.LAST)) { ... }
 * }</pre>
 */
public final class Tcx {
    private static final int BPF_F_BEFORE = 1 << 3;
    private static final int BPF_F_AFTER = 1 << 4;
    private static final int BPF_F_LINK = 1 << 13;

    /** Which way the packets go. */
    public enum Direction {
        INGRESS(AttachType.TCX_INGRESS), EGRESS(AttachType.TCX_EGRESS);

        private final AttachType type;

        Direction(AttachType type) {
            this.type = type;
        }
    }

    /** Where in the interface's chain: before every other program, or after them all. */
    public enum Position {
        FIRST(BPF_F_BEFORE), LAST(BPF_F_AFTER);

        private final int flag;

        Position(int flag) {
            this.flag = flag;
        }
    }

    private Tcx() {
    }

    /** Attaches to the interface named {@code ifname}. */
    public static Link attach(Program program, String ifname, Direction direction, Position position) {
        return attach(program, Xdp.ifindex(ifname), direction, position);
    }

    /** Attaches to interface number {@code ifindex}. */
    public static Link attach(Program program, int ifindex, Direction direction, Position position) {
        return LinkCreate.create(program, ifindex, direction.type, position.flag,
                "tcx " + direction.name().toLowerCase() + " on ifindex " + ifindex, "TCX links", "6.6");
    }

    /** Before or after a given program or link. */
    public enum Relation {
        BEFORE(BPF_F_BEFORE), AFTER(BPF_F_AFTER);

        private final int flag;

        Relation(int flag) {
            this.flag = flag;
        }
    }

    /**
     * Attaches right before or after {@code anchor}, a program already attached there.
     *
     * <pre>{@code
     * Link second = Tcx.attach(prog2, ifindex, Tcx.Direction.INGRESS, Tcx.Relation.AFTER, prog1);
     * }</pre>
     */
    public static Link attach(Program program, int ifindex, Direction direction, Relation relation, Program anchor) {
        return relative(program, ifindex, direction, relation.flag, anchor.fd(),
                relation.name().toLowerCase() + " program \"" + anchor.name() + "\"");
    }

    /** Attaches right before or after the program of the TCX link {@code anchor}. */
    public static Link attach(Program program, int ifindex, Direction direction, Relation relation, Link anchor) {
        return relative(program, ifindex, direction, relation.flag | BPF_F_LINK, anchor.fd(),
                relation.name().toLowerCase() + " " + anchor.description());
    }

    private static Link relative(Program program, int ifindex, Direction direction, int flags, int anchorFd,
                                 String where) {
        String what = "tcx " + direction.name().toLowerCase() + " on ifindex " + ifindex + " " + where;
        String description = what + " -> program \"" + program.name() + "\"";
        java.lang.foreign.MemorySegment attr = Scratch.get().attr(LinkAttr.CREATE_SIZE);
        attr.set(JAVA_INT, LinkAttr.CREATE_PROG_FD, program.fd());
        attr.set(JAVA_INT, LinkAttr.CREATE_TARGET_FD, ifindex);
        attr.set(JAVA_INT, LinkAttr.CREATE_ATTACH_TYPE, direction.type.value());
        attr.set(JAVA_INT, LinkAttr.CREATE_FLAGS, flags);
        attr.set(JAVA_INT, LinkAttr.CREATE_TCX_RELATIVE, anchorFd);
        long r = Bpf.call(BpfCmd.LINK_CREATE, attr, LinkAttr.CREATE_SIZE);
        if (r < 0) {
            throw Bpf.errorOrUnsupported("cannot attach " + description, r, BpfCmd.LINK_CREATE, description,
                    "TCX links", "6.6");
        }
        return new Link(new Fd((int) r, "link " + description), java.util.Optional.empty(), description);
    }

    /** The ids of the programs on {@code ifindex}'s {@code direction}, in the order they run (BPF_PROG_QUERY). */
    public static java.util.List<Integer> programIds(int ifindex, Direction direction) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            int room = 64;
            java.lang.foreign.MemorySegment ids = arena.allocate(4L * room, 4);
            java.lang.foreign.MemorySegment attr = arena.allocate(LinkAttr.QUERY_SIZE, 8);
            attr.set(JAVA_INT, LinkAttr.QUERY_TARGET, ifindex);
            attr.set(JAVA_INT, LinkAttr.QUERY_ATTACH_TYPE, direction.type.value());
            attr.set(java.lang.foreign.ValueLayout.JAVA_LONG, LinkAttr.QUERY_PROG_IDS, ids.address());
            attr.set(JAVA_INT, LinkAttr.QUERY_COUNT, room);
            long r = Bpf.call(BpfCmd.PROG_QUERY, attr, LinkAttr.QUERY_SIZE);
            if (r < 0) {
                throw Bpf.error("cannot list the tcx " + direction.name().toLowerCase() + " programs of ifindex "
                        + ifindex, r, BpfCmd.PROG_QUERY, "ifindex " + ifindex);
            }
            int n = Math.min(room, attr.get(JAVA_INT, LinkAttr.QUERY_COUNT));
            java.util.List<Integer> out = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(ids.getAtIndex(JAVA_INT, i));
            }
            return java.util.List.copyOf(out);
        }
    }
}
