package io.bpf4j.link;

import io.bpf4j.internal.sys.Netns;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A network namespace by its file — of a process ({@code /proc/PID/ns/net}), a named one
 * ({@code /var/run/netns/NAME}), or the host's — to attach inside without moving the calling
 * thread: the work runs on a short-lived thread that enters the namespace; the links it makes
 * stay attached there.
 *
 * <pre>{@code
 * Xdp xdp = NetworkNamespace.named("blue").run(() -> Xdp.attach(prog, "veth0", Xdp.Mode.GENERIC));
 * }</pre>
 *
 * @param path the namespace file
 */
public record NetworkNamespace(Path path) {
    /** The namespace named by {@code ip netns add NAME}. */
    public static NetworkNamespace named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a network namespace name: \"" + name + "\"");
        }
        return new NetworkNamespace(Path.of("/var/run/netns", name));
    }

    /** The namespace of process {@code pid}. */
    public static NetworkNamespace ofPid(long pid) {
        return new NetworkNamespace(Path.of("/proc", Long.toString(pid), "ns", "net"));
    }

    /** The host's namespace: that of process 1. */
    public static NetworkNamespace host() {
        return ofPid(1);
    }

    /** The calling thread's namespace. */
    public static NetworkNamespace current() {
        return new NetworkNamespace(Path.of("/proc/thread-self/ns/net"));
    }

    /** Runs {@code task} inside the namespace and returns its result (e.g. a {@link Link}). */
    public <T> T run(Supplier<T> task) {
        return Netns.run(path, task);
    }
}
