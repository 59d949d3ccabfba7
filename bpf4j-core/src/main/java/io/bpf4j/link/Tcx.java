package io.bpf4j.link;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A SCHED_CLS program on an interface's ingress or egress with a TCX link (Linux 6.6), placed
 * where an {@link Order} says among the programs there.
 *
 * <pre>{@code
 * try (Tcx l = Tcx.attach(prog, "eth0", Tcx.Direction.INGRESS, Tcx.Order.last())) { ... }
 * try (Link l = Tcx.attach(prog, Tcx.Spec.of(Interfaces.all()).direction(Tcx.Direction.EGRESS))) { ... }
 * }</pre>
 */
public final class Tcx extends KernelLink {
    private static final int BPF_F_BEFORE = 1 << 3;
    private static final int BPF_F_AFTER = 1 << 4;
    private static final int BPF_F_LINK = 1 << 13;

    /** Which way the packets go. */
    public enum Direction {
        INGRESS(AttachType.TCX_INGRESS),
        EGRESS(AttachType.TCX_EGRESS);

        private final AttachType type;

        Direction(AttachType type) {
            this.type = type;
        }

        /** The attach type. */
        public AttachType attachType() {
            return type;
        }
    }

    /** A program or link already attached at the same hook, that another is placed next to. */
    public sealed interface Anchor {
        /** An attached program. */
        record OfProgram(Program program) implements Anchor {}

        /** The program of an attached TCX link. */
        record OfLink(KernelLink link) implements Anchor {}
    }

    /** Where in the interface's chain a program goes. */
    public sealed interface Order {
        /** The kernel's default: after the programs there. */
        record Default() implements Order {}

        /** Before every other program. */
        record First() implements Order {}

        /** After every other program. */
        record Last() implements Order {}

        /** Right before {@code anchor}. */
        record Before(Anchor anchor) implements Order {}

        /** Right after {@code anchor}. */
        record After(Anchor anchor) implements Order {}

        /** The kernel's default placement. */
        static Order defaults() {
            return new Default();
        }

        /** Before all others. */
        static Order first() {
            return new First();
        }

        /** After all others. */
        static Order last() {
            return new Last();
        }

        /** Right before attached program {@code p}. */
        static Order before(Program p) {
            return new Before(new Anchor.OfProgram(p));
        }

        /** Right after attached program {@code p}. */
        static Order after(Program p) {
            return new After(new Anchor.OfProgram(p));
        }

        /** Right before the program of TCX link {@code l}. */
        static Order before(KernelLink l) {
            return new Before(new Anchor.OfLink(l));
        }

        /** Right after the program of TCX link {@code l}. */
        static Order after(KernelLink l) {
            return new After(new Anchor.OfLink(l));
        }
    }

    /**
     * Which interfaces of which namespace, which direction, which place in the chain.
     *
     * @param namespace the network namespace; empty: the calling thread's
     * @param interfaces every interface, or a list by index or name
     * @param direction ingress or egress; empty: from the section ({@code tcx/ingress}, {@code tc/egress})
     * @param order where in the chain
     */
    public record Spec(
            Optional<NetworkNamespace> namespace, Interfaces interfaces, Optional<Direction> direction, Order order)
            implements AttachSpec {
        /** These interfaces of the calling thread's namespace, direction from the section, default order. */
        public static Spec of(Interfaces interfaces) {
            return new Spec(Optional.empty(), interfaces, Optional.empty(), new Order.Default());
        }

        /** The same in namespace {@code ns}. */
        public Spec in(NetworkNamespace ns) {
            return new Spec(Optional.of(ns), interfaces, direction, order);
        }

        /** The same in direction {@code d}. */
        public Spec direction(Direction d) {
            return new Spec(namespace, interfaces, Optional.of(d), order);
        }

        /** The same at {@code o}. */
        public Spec order(Order o) {
            return new Spec(namespace, interfaces, direction, o);
        }

        @Override
        public String describe() {
            return "tcx "
                    + direction
                            .map(d -> d.name().toLowerCase(java.util.Locale.ROOT))
                            .orElse("(direction from the section)")
                    + " on " + Xdp.describe(interfaces)
                    + namespace.map(n -> " in " + n.path()).orElse("") + where(order);
        }
    }

    /**
     * First or last among the programs.
     *
     * @deprecated use {@link Order#first()} / {@link Order#last()}
     */
    @Deprecated
    public enum Position {
        FIRST,
        LAST
    }

    /**
     * Before or after a given program or link.
     *
     * @deprecated use {@link Order#before(Program)} / {@link Order#after(Program)}
     */
    @Deprecated
    public enum Relation {
        BEFORE,
        AFTER
    }

    private Tcx(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /** Attaches to the interface named {@code ifname}. */
    public static Tcx attach(Program program, String ifname, Direction direction, Order order) {
        return attach(program, Interfaces.index(ifname), ifname, direction, order);
    }

    /** Attaches to interface number {@code ifindex}. */
    public static Tcx attach(Program program, int ifindex, Direction direction, Order order) {
        return attach(program, ifindex, "ifindex " + ifindex, direction, order);
    }

    /**
     * Attaches to every interface {@code spec} names: one {@link Tcx} link, or a {@link LinkGroup}
     * for several; on failure none stays attached.
     *
     * @throws IllegalArgumentException when the spec has no direction
     */
    public static Link attach(Program program, Spec spec) {
        Direction d = spec.direction()
                .orElseThrow(() -> new IllegalArgumentException("TCX of program \"" + program.name()
                        + "\" needs a direction: Tcx.Spec.direction(INGRESS or EGRESS)"));
        return Xdp.inNamespace(spec.namespace(), () -> {
            List<Link> made = new ArrayList<>();
            try {
                for (Interfaces.Resolved i : spec.interfaces().resolve()) {
                    made.add(attach(program, i.index(), i.label(), d, spec.order()));
                }
            } catch (RuntimeException e) {
                made.forEach(Link::close);
                throw e;
            }
            return Xdp.group(made, LinkCreate.describe(spec.describe(), program));
        });
    }

    /** @deprecated use {@link #attach(Program, String, Direction, Order)} */
    @Deprecated
    public static Tcx attach(Program program, String ifname, Direction direction, Position position) {
        return attach(program, ifname, direction, position == Position.FIRST ? Order.first() : Order.last());
    }

    /** @deprecated use {@link #attach(Program, int, Direction, Order)} */
    @Deprecated
    public static Tcx attach(Program program, int ifindex, Direction direction, Position position) {
        return attach(program, ifindex, direction, position == Position.FIRST ? Order.first() : Order.last());
    }

    /** @deprecated use {@link #attach(Program, int, Direction, Order)} with {@link Order#before(Program)} */
    @Deprecated
    public static Tcx attach(Program program, int ifindex, Direction direction, Relation relation, Program anchor) {
        return attach(
                program, ifindex, direction, relation == Relation.BEFORE ? Order.before(anchor) : Order.after(anchor));
    }

    /** @deprecated use {@link #attach(Program, int, Direction, Order)} with {@link Order#before(KernelLink)} */
    @Deprecated
    public static Tcx attach(Program program, int ifindex, Direction direction, Relation relation, KernelLink anchor) {
        return attach(
                program, ifindex, direction, relation == Relation.BEFORE ? Order.before(anchor) : Order.after(anchor));
    }

    private static Tcx attach(Program program, int ifindex, String label, Direction direction, Order order) {
        if (ifindex <= 0) {
            throw new IllegalArgumentException("interface index " + ifindex + " is not valid: indexes start at 1");
        }
        LinkCreate.requireType(program, "TCX", ProgramType.SCHED_CLS);
        int flags;
        int relative = 0;
        switch (order) {
            case Order.Default d -> flags = 0;
            case Order.First f -> flags = BPF_F_BEFORE;
            case Order.Last l -> flags = BPF_F_AFTER;
            case Order.Before b -> {
                flags = BPF_F_BEFORE | anchorFlag(b.anchor());
                relative = anchorFd(b.anchor());
            }
            case Order.After a -> {
                flags = BPF_F_AFTER | anchorFlag(a.anchor());
                relative = anchorFd(a.anchor());
            }
        }
        String description = LinkCreate.describe(
                "tcx " + direction.name().toLowerCase(java.util.Locale.ROOT) + " on " + label + where(order), program);
        return new Tcx(
                LinkCreate.create(program, ifindex, direction.type, flags, relative, description, "TCX links", "6.6"),
                description);
    }

    private static int anchorFlag(Anchor a) {
        return a instanceof Anchor.OfLink ? BPF_F_LINK : 0;
    }

    private static int anchorFd(Anchor a) {
        return switch (a) {
            case Anchor.OfProgram p -> p.program().fd();
            case Anchor.OfLink l -> l.link().fd();
        };
    }

    private static String where(Order order) {
        return switch (order) {
            case Order.Default d -> "";
            case Order.First f -> " (first)";
            case Order.Last l -> " (last)";
            case Order.Before b -> " before " + anchorName(b.anchor());
            case Order.After a -> " after " + anchorName(a.anchor());
        };
    }

    private static String anchorName(Anchor a) {
        return switch (a) {
            case Anchor.OfProgram p -> "program \"" + p.program().name() + "\"";
            case Anchor.OfLink l -> l.link().description();
        };
    }

    /** The ids of the programs on {@code ifindex}'s {@code direction}, in the order they run (BPF_PROG_QUERY). */
    public static List<Integer> programIds(int ifindex, Direction direction) {
        try (Arena arena = Arena.ofConfined()) {
            int room = 64;
            MemorySegment ids = arena.allocate(4L * room, 4);
            long r = Links.progQuery(ifindex, direction.type.value(), 0, ids);
            if (r < 0) {
                throw Bpf.error(
                        "cannot list the tcx " + direction.name().toLowerCase(java.util.Locale.ROOT)
                                + " programs of ifindex " + ifindex,
                        r,
                        BpfCmd.PROG_QUERY,
                        "ifindex " + ifindex);
            }
            int n = (int) Math.min(room, r);
            List<Integer> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(ids.getAtIndex(JAVA_INT, i));
            }
            return List.copyOf(out);
        }
    }
}
