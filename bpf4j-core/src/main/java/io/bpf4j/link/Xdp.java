package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.sys.Fd;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An XDP program on a network interface with a BPF link (Linux 5.9), in the calling thread's
 * network namespace or the one a {@link Spec} names.
 *
 * <pre>{@code
 * try (Xdp l = Xdp.attach(prog, "eth0", Xdp.Mode.DEFAULT)) { ... }
 * try (Link all = Xdp.attach(prog, Xdp.Spec.of(Interfaces.all()).in(NetworkNamespace.named("blue")))) { ... }
 * }</pre>
 */
public final class Xdp extends KernelLink {
    /** Where the program runs: the driver decides, generic (skb), native driver, or offloaded. */
    public enum Mode {
        DEFAULT(0),
        GENERIC(1 << 1),
        DRIVER(1 << 2),
        OFFLOAD(1 << 3);

        private final int flag;

        Mode(int flag) {
            this.flag = flag;
        }

        /** The XDP_FLAGS_* value. */
        public int flag() {
            return flag;
        }
    }

    /**
     * Which interfaces of which namespace, in which mode.
     *
     * @param namespace the network namespace; empty: the calling thread's
     * @param interfaces every interface, or a list by index or name
     * @param mode the XDP mode
     */
    public record Spec(Optional<NetworkNamespace> namespace, Interfaces interfaces, Mode mode) implements AttachSpec {
        /** These interfaces of the calling thread's namespace, default mode. */
        public static Spec of(Interfaces interfaces) {
            return new Spec(Optional.empty(), interfaces, Mode.DEFAULT);
        }

        /** Every interface of the calling thread's namespace, default mode (yeet:bpf's default). */
        public static Spec allInterfaces() {
            return of(Interfaces.all());
        }

        /** The same in namespace {@code ns}. */
        public Spec in(NetworkNamespace ns) {
            return new Spec(Optional.of(ns), interfaces, mode);
        }

        /** The same in mode {@code m}. */
        public Spec mode(Mode m) {
            return new Spec(namespace, interfaces, m);
        }

        @Override
        public String describe() {
            return "xdp on " + Xdp.describe(interfaces)
                    + namespace.map(n -> " in " + n.path()).orElse("")
                    + (mode == Mode.DEFAULT ? "" : " (" + mode + ")");
        }
    }

    private Xdp(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /** Attaches to the interface named {@code ifname}. */
    public static Xdp attach(Program program, String ifname, Mode mode) {
        return attach(program, Interfaces.index(ifname), ifname, mode);
    }

    /** Attaches to interface number {@code ifindex}. */
    public static Xdp attach(Program program, int ifindex, Mode mode) {
        return attach(program, ifindex, "ifindex " + ifindex, mode);
    }

    /**
     * Attaches to every interface {@code spec} names: one {@link Xdp} link, or a {@link LinkGroup}
     * of them for several; on failure none stays attached.
     */
    public static Link attach(Program program, Spec spec) {
        return inNamespace(spec.namespace(), () -> {
            List<Link> made = new ArrayList<>();
            try {
                for (Interfaces.Resolved i : spec.interfaces().resolve()) {
                    made.add(attach(program, i.index(), i.label(), spec.mode()));
                }
            } catch (RuntimeException e) {
                made.forEach(Link::close);
                throw e;
            }
            return group(made, LinkCreate.describe(spec.describe(), program));
        });
    }

    private static Xdp attach(Program program, int ifindex, String label, Mode mode) {
        if (ifindex <= 0) {
            throw new IllegalArgumentException("interface index " + ifindex + " is not valid: indexes start at 1");
        }
        LinkCreate.requireType(program, "XDP", ProgramType.XDP);
        String description =
                LinkCreate.describe("xdp on " + label + (mode == Mode.DEFAULT ? "" : " (" + mode + ")"), program);
        return new Xdp(
                LinkCreate.create(program, ifindex, AttachType.XDP, mode.flag(), description, "XDP links", "5.9"),
                description);
    }

    static String describe(Interfaces interfaces) {
        return switch (interfaces) {
            case Interfaces.All a -> "every interface";
            case Interfaces.ByIndex b ->
                b.indexes().size() == 1 ? "ifindex " + b.indexes().get(0) : "ifindexes " + b.indexes();
            case Interfaces.ByName b -> b.names().size() == 1 ? b.names().get(0) : "interfaces " + b.names();
        };
    }

    static <T> T inNamespace(Optional<NetworkNamespace> ns, java.util.function.Supplier<T> task) {
        return ns.isPresent() ? ns.get().run(task) : task.get();
    }

    static Link group(List<Link> made, String description) {
        if (made.size() == 1) {
            return made.get(0);
        }
        if (made.isEmpty()) {
            throw new io.bpf4j.BpfException("no network interface to attach " + description + " to");
        }
        return new LinkGroup(made, description);
    }

    /** The index of interface {@code ifname} in the calling thread's network namespace. */
    static int ifindex(String ifname) {
        return Interfaces.index(ifname);
    }
}
