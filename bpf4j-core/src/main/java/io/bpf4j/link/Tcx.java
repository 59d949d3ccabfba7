package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;

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
}
