package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Netns;
import java.util.Optional;

/**
 * A link whose target is a whole network namespace: {@code sk_lookup} programs (BPF_SK_LOOKUP,
 * Linux 5.9) and flow dissectors (BPF_FLOW_DISSECTOR, 5.7). The link holds the namespace, so the
 * namespace file is only opened for the attach.
 *
 * <pre>{@code
 * try (NetnsLink l = NetnsLink.skLookup(prog, NetworkNamespace.named("blue"))) { ... }
 * }</pre>
 */
public final class NetnsLink extends KernelLink {
    /**
     * A network namespace, for the program's kind (sk_lookup or flow dissector).
     *
     * @param namespace the namespace; empty: the calling thread's
     */
    public record Spec(Optional<NetworkNamespace> namespace) implements AttachSpec {
        /** The calling thread's namespace. */
        public static Spec current() {
            return new Spec(Optional.empty());
        }

        /** Namespace {@code ns}. */
        public static Spec of(NetworkNamespace ns) {
            return new Spec(Optional.of(ns));
        }

        @Override
        public String describe() {
            return "network namespace "
                    + namespace.orElse(NetworkNamespace.current()).path();
        }
    }

    private NetnsLink(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /** Attaches an SK_LOOKUP program to the socket lookups of {@code ns}. */
    public static NetnsLink skLookup(Program program, NetworkNamespace ns) {
        return attach(program, Spec.of(ns));
    }

    /** Attaches an SK_LOOKUP program to the calling thread's network namespace. */
    public static NetnsLink skLookup(Program program) {
        return attach(program, Spec.current());
    }

    /** Attaches a FLOW_DISSECTOR program to {@code ns}. */
    public static NetnsLink flowDissector(Program program, NetworkNamespace ns) {
        return attach(program, Spec.of(ns));
    }

    /** Attaches an SK_LOOKUP or FLOW_DISSECTOR program (by its type) to the namespace of {@code spec}. */
    public static NetnsLink attach(Program program, Spec spec) {
        LinkCreate.requireType(program, "a network namespace", ProgramType.SK_LOOKUP, ProgramType.FLOW_DISSECTOR);
        boolean lookup = program.type() == ProgramType.SK_LOOKUP;
        AttachType type = lookup ? AttachType.SK_LOOKUP : AttachType.FLOW_DISSECTOR;
        String feature = lookup ? "sk_lookup links" : "flow dissector links";
        String description =
                LinkCreate.describe((lookup ? "sk_lookup in " : "flow dissector in ") + spec.describe(), program);
        try (Fd nsFd =
                Netns.open(spec.namespace().orElse(NetworkNamespace.current()).path())) {
            int raw = nsFd.acquire();
            try {
                return new NetnsLink(
                        LinkCreate.create(program, raw, type, 0, description, feature, lookup ? "5.9" : "5.7"),
                        description);
            } finally {
                nsFd.release();
            }
        }
    }
}
