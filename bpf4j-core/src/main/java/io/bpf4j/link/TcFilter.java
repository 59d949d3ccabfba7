package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Netlink;

/**
 * A SCHED_CLS program attached the legacy way, for kernels without TCX (before 6.6): a clsact
 * qdisc on the interface (made when missing) and a direct-action {@code bpf} filter on its
 * ingress or egress hook, through rtnetlink — what {@code tc filter add ... bpf da} and libbpf's
 * {@code bpf_tc_attach} do. Closing removes the filter, and the qdisc if this attachment made it.
 *
 * <pre>{@code
 * try (TcFilter f = TcFilter.attach(prog, "eth0", Tcx.Direction.INGRESS, 1)) { ... }
 * }</pre>
 */
public final class TcFilter implements Link {
    /**
     * A legacy tc filter: interface, direction and priority.
     *
     * @param namespace the network namespace; empty: the calling thread's
     * @param ifname the interface
     * @param direction ingress or egress
     * @param priority the filter's priority, 1..65535
     */
    public record Spec(
            java.util.Optional<NetworkNamespace> namespace, String ifname, Tcx.Direction direction, int priority)
            implements AttachSpec {
        public Spec {
            if (priority < 1 || priority > 0xffff) {
                throw new IllegalArgumentException("tc priority " + priority + " outside 1..65535");
            }
        }

        @Override
        public String describe() {
            return "tc " + direction.name().toLowerCase(java.util.Locale.ROOT) + " filter on " + ifname + " priority "
                    + priority + namespace.map(n -> " in " + n.path()).orElse("");
        }
    }

    private static final int RTM_NEWQDISC = 36;
    private static final int RTM_DELQDISC = 37;
    private static final int RTM_NEWTFILTER = 44;
    private static final int RTM_DELTFILTER = 45;
    private static final int TCA_KIND = 1;
    private static final int TCA_OPTIONS = 2;
    private static final int TCA_BPF_FD = 6;
    private static final int TCA_BPF_NAME = 7;
    private static final int TCA_BPF_FLAGS = 8;
    private static final int TCA_BPF_FLAG_ACT_DIRECT = 1;
    private static final int TC_H_CLSACT = 0xFFFFFFF1;
    private static final int TC_H_MIN_INGRESS = 0xFFF2;
    private static final int TC_H_MIN_EGRESS = 0xFFF3;
    private static final int ETH_P_ALL_BE = 0x0300; // htons(ETH_P_ALL)
    private static final int HANDLE = 1;

    private final Netlink netlink;
    private final int ifindex;
    private final int parent;
    private final int info;
    private final boolean madeQdisc;
    private final String description;
    private boolean closed;

    private TcFilter(Netlink netlink, int ifindex, int parent, int info, boolean madeQdisc, String description) {
        this.netlink = netlink;
        this.ifindex = ifindex;
        this.parent = parent;
        this.info = info;
        this.madeQdisc = madeQdisc;
        this.description = description;
    }

    /** Attaches to interface {@code ifname} (in the calling thread's network namespace) at {@code priority} (1..65535). */
    public static TcFilter attach(Program program, String ifname, Tcx.Direction direction, int priority) {
        return attach(program, new Spec(java.util.Optional.empty(), ifname, direction, priority));
    }

    /** Attaches as {@code spec} says. */
    public static TcFilter attach(Program program, Spec spec) {
        return Xdp.inNamespace(
                spec.namespace(), () -> attachHere(program, spec.ifname(), spec.direction(), spec.priority()));
    }

    private static TcFilter attachHere(Program program, String ifname, Tcx.Direction direction, int priority) {
        LinkCreate.requireType(program, "a tc filter", io.bpf4j.ProgramType.SCHED_CLS, io.bpf4j.ProgramType.SCHED_ACT);
        int ifindex = Interfaces.index(ifname);
        String description = "tc " + direction.name().toLowerCase(java.util.Locale.ROOT) + " filter on " + ifname
                + " -> program \"" + program.name() + "\"";
        Netlink nl = new Netlink();
        boolean madeQdisc = false;
        try {
            int q = nl.request(tcmsg(
                            new Netlink.Message(
                                    RTM_NEWQDISC,
                                    Netlink.NLM_F_REQUEST
                                            | Netlink.NLM_F_ACK
                                            | Netlink.NLM_F_CREATE
                                            | Netlink.NLM_F_EXCL),
                            ifindex,
                            0xFFFF0000,
                            TC_H_CLSACT,
                            0)
                    .attr(TCA_KIND, "clsact"));
            if (q == 0) {
                madeQdisc = true;
            } else if (q != -Errno.EEXIST.number()) {
                throw new BpfException("cannot add a clsact qdisc for " + description, -q, "RTM_NEWQDISC", ifname);
            }
            int parent = direction == Tcx.Direction.INGRESS
                    ? TC_H_CLSACT & 0xFFFF0000 | TC_H_MIN_INGRESS
                    : TC_H_CLSACT & 0xFFFF0000 | TC_H_MIN_EGRESS;
            int info = (priority << 16) | ETH_P_ALL_BE;
            int f = nl.request(tcmsg(
                            new Netlink.Message(
                                    RTM_NEWTFILTER,
                                    Netlink.NLM_F_REQUEST
                                            | Netlink.NLM_F_ACK
                                            | Netlink.NLM_F_CREATE
                                            | Netlink.NLM_F_EXCL),
                            ifindex,
                            HANDLE,
                            parent,
                            info)
                    .attr(TCA_KIND, "bpf")
                    .nest(TCA_OPTIONS)
                    .attr(TCA_BPF_FD, program.fd())
                    .attr(TCA_BPF_NAME, program.name())
                    .attr(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT)
                    .end());
            if (f != 0) {
                throw new BpfException("cannot add " + description, -f, "RTM_NEWTFILTER", ifname);
            }
            return new TcFilter(nl, ifindex, parent, info, madeQdisc, description);
        } catch (RuntimeException e) {
            if (madeQdisc) {
                nl.request(tcmsg(
                                new Netlink.Message(RTM_DELQDISC, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK),
                                ifindex,
                                0xFFFF0000,
                                TC_H_CLSACT,
                                0)
                        .attr(TCA_KIND, "clsact"));
            }
            nl.close();
            throw e;
        }
    }

    private static Netlink.Message tcmsg(Netlink.Message m, int ifindex, int handle, int parent, int info) {
        return m.u8(0).u8(0).u8(0).u8(0).u32(ifindex).u32(handle).u32(parent).u32(info);
    }

    /** What is attached where. */
    @Override
    public String description() {
        return description;
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Removes the filter (and the clsact qdisc if this attachment made it). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            nlDelete();
        } finally {
            netlink.close();
        }
    }

    private void nlDelete() {
        netlink.request(tcmsg(
                        new Netlink.Message(RTM_DELTFILTER, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK),
                        ifindex,
                        HANDLE,
                        parent,
                        info)
                .attr(TCA_KIND, "bpf"));
        if (madeQdisc) {
            netlink.request(tcmsg(
                            new Netlink.Message(RTM_DELQDISC, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK),
                            ifindex,
                            0xFFFF0000,
                            TC_H_CLSACT,
                            0)
                    .attr(TCA_KIND, "clsact"));
        }
    }
}
