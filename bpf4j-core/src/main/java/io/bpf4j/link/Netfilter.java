package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;
import java.util.Optional;

/**
 * Attaches a NETFILTER program to a netfilter hook of the calling thread's network namespace
 * (Linux 6.4; run it inside {@link NetworkNamespace#run} for another namespace).
 *
 * <pre>{@code
 * try (Netfilter l = Netfilter.attach(prog, new Netfilter.Spec(Netfilter.Family.IPV4, Netfilter.Hook.LOCAL_IN, -128, Optional.empty()))) { ... }
 * }</pre>
 */
public final class Netfilter extends KernelLink {
    /**
     * A netfilter hook.
     *
     * @param family IPv4 or IPv6
     * @param hook the hook
     * @param priority lower runs first; the kernel refuses the extreme values reserved for conntrack
     * @param namespace the network namespace; empty: the calling thread's
     */
    public record Spec(Family family, Hook hook, int priority, Optional<NetworkNamespace> namespace)
            implements AttachSpec {
        @Override
        public String describe() {
            return "netfilter " + family + " " + hook + " priority " + priority
                    + namespace.map(n -> " in " + n.path()).orElse("");
        }
    }

    /** The protocol family ({@code NFPROTO_*}). */
    public enum Family {
        IPV4(2),
        IPV6(10);

        private final int number;

        Family(int number) {
            this.number = number;
        }
    }

    /** The hook ({@code NF_INET_*}), in the kernel's numbering. */
    public enum Hook {
        PRE_ROUTING,
        LOCAL_IN,
        FORWARD,
        LOCAL_OUT,
        POST_ROUTING
    }

    private Netfilter(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /** Attaches as {@code spec} says. */
    public static Netfilter attach(Program program, Spec spec) {
        return Xdp.inNamespace(spec.namespace(), () -> attach(program, spec.family(), spec.hook(), spec.priority()));
    }

    /**
     * Attaches {@code program} at {@code hook} of {@code family} with {@code priority} (lower runs
     * first; the kernel refuses the extreme values reserved for conntrack).
     */
    public static Netfilter attach(Program program, Family family, Hook hook, int priority) {
        LinkCreate.requireType(program, "a netfilter hook", io.bpf4j.ProgramType.NETFILTER);
        String description =
                LinkCreate.describe(new Spec(family, hook, priority, Optional.empty()).describe(), program);
        long r = Links.createNetfilter(
                program.fd(), AttachType.NETFILTER.value(), family.number, hook.ordinal(), priority, 0);
        if (r < 0) {
            throw LinkErrors.refused(
                    description, r, BpfCmd.LINK_CREATE, AttachType.NETFILTER, "netfilter BPF links", "6.4");
        }
        return new Netfilter(new Fd((int) r, "link " + description), description);
    }
}
