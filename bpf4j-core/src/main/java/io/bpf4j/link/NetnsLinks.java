package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Netns;

import java.nio.file.Path;

/**
 * Links whose target is a whole network namespace: {@code sk_lookup} programs (BPF_SK_LOOKUP,
 * Linux 5.9) and flow dissectors (BPF_FLOW_DISSECTOR, 5.7). The link holds the namespace, so the
 * namespace file is only opened for the attach.
 *
 * <pre>{@code
 * try (Link l = NetnsLinks.skLookup(prog, NetworkNamespace.named("blue"))) { ... }
 * }</pre>
 */
public final class NetnsLinks {
    private static final Path CURRENT = Path.of("/proc/self/ns/net");

    private NetnsLinks() {
    }

    /** Attaches an SK_LOOKUP program to the socket lookups of {@code ns}. */
    public static Link skLookup(Program program, NetworkNamespace ns) {
        return attach(program, ns.path(), AttachType.SK_LOOKUP, "sk_lookup", "5.9");
    }

    /** Attaches an SK_LOOKUP program to the calling thread's network namespace. */
    public static Link skLookup(Program program) {
        return attach(program, CURRENT, AttachType.SK_LOOKUP, "sk_lookup", "5.9");
    }

    /** Attaches a FLOW_DISSECTOR program to {@code ns}. */
    public static Link flowDissector(Program program, NetworkNamespace ns) {
        return attach(program, ns.path(), AttachType.FLOW_DISSECTOR, "flow dissector links", "5.7");
    }

    private static Link attach(Program program, Path ns, AttachType type, String feature, String since) {
        try (Fd nsFd = Netns.open(ns)) {
            int raw = nsFd.acquire();
            try {
                return LinkCreate.create(program, raw, type, 0, feature + " in network namespace " + ns, feature, since);
            } finally {
                nsFd.release();
            }
        }
    }
}
