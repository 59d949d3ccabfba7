package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.internal.sys.IfIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The network interfaces an XDP or TCX program attaches to: every one of the namespace, or a
 * list by index or by name.
 *
 * <pre>{@code
 * Xdp.Spec.of(Interfaces.named("veth0", "veth1"))
 * }</pre>
 */
public sealed interface Interfaces {
    /** Every interface of the namespace at attach time (loopback included). */
    record All() implements Interfaces {}

    /** Interfaces by index. */
    record ByIndex(List<Integer> indexes) implements Interfaces {
        public ByIndex {
            indexes = List.copyOf(indexes);
            if (indexes.isEmpty()) {
                throw new IllegalArgumentException(
                        "no interface index given (use Interfaces.all() for every interface)");
            }
            for (int i : indexes) {
                if (i <= 0) {
                    throw new IllegalArgumentException("interface index " + i + " is not valid: indexes start at 1");
                }
            }
        }
    }

    /** Interfaces by name. */
    record ByName(List<String> names) implements Interfaces {
        public ByName {
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException(
                        "no interface name given (use Interfaces.all() for every interface)");
            }
        }
    }

    /** Every interface. */
    static Interfaces all() {
        return new All();
    }

    /** These interfaces by name. */
    static Interfaces named(String... names) {
        return new ByName(List.of(names));
    }

    /** These interfaces by index. */
    static Interfaces indexes(Integer... indexes) {
        return new ByIndex(List.of(indexes));
    }

    /** An interface resolved in the calling thread's namespace. */
    record Resolved(int index, String label) {}

    /** The interfaces, resolved in the calling thread's network namespace. */
    default List<Resolved> resolve() {
        return switch (this) {
            case All a -> {
                List<Resolved> out = new ArrayList<>();
                for (String n : namesInThisNamespace()) {
                    int idx = IfIndex.of(n);
                    if (idx > 0) {
                        out.add(new Resolved(idx, n));
                    }
                }
                yield out;
            }
            case ByIndex b ->
                b.indexes().stream().map(i -> new Resolved(i, "ifindex " + i)).toList();
            case ByName b ->
                b.names().stream().map(n -> new Resolved(index(n), n)).toList();
        };
    }

    /** The index of interface {@code ifname} in the calling thread's network namespace. */
    static int index(String ifname) {
        int idx = IfIndex.of(ifname);
        if (idx == 0) {
            throw new BpfException(
                    "no network interface \"" + ifname + "\" in this network namespace",
                    Errno.ENODEV.number(),
                    "if_nametoindex",
                    ifname);
        }
        return idx;
    }

    /** Interface names of the calling thread's namespace, from {@code /proc/thread-self/net/dev}. */
    private static List<String> namesInThisNamespace() {
        Path dev = Path.of("/proc/thread-self/net/dev");
        try {
            List<String> names = new ArrayList<>();
            for (String line : Files.readAllLines(dev)) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.contains("|")) {
                    names.add(line.substring(0, colon).trim());
                }
            }
            return names;
        } catch (IOException e) {
            throw new BpfException("cannot list the network interfaces from " + dev + ": " + e, e);
        }
    }
}
