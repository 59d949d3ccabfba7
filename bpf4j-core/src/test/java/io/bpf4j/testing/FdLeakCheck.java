package io.bpf4j.testing;

import io.bpf4j.internal.sys.Leaks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (ServiceLoader + autodetection): fails the class when it ends
 * with kernel-object file descriptors (BPF maps, programs, links, BTF, perf events, epoll,
 * sockets, namespaces) that were not open when it started, or when a Cleaner had to release
 * something the class forgot to close ({@link Leaks}; the suite runs with
 * {@code -Dbpf4j.leakStacks=true}, so the failure shows the stack that made it). The JVM's own
 * files (jars, pipes) are not counted.
 */
public final class FdLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FdLeakCheck.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        // Releases that belong to no class (a static probe's, or before the first class) are
        // not this class's: start from a clean slate.
        Leaks.drain();
        context.getStore(NS).put("fds", kernelObjectFds());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        @SuppressWarnings("unchecked")
        Map<Integer, String> before = context.getStore(NS).get("fds", Map.class);
        Map<Integer, String> after = kernelObjectFds();
        // Forgotten owners still reachable only from the heap: collect them, so that their
        // Cleaners run now and report (with the stack that made them) instead of hiding the leak
        // until some later class.
        if (!leaked(before, after).isEmpty()) {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(50);
            }
            after = kernelObjectFds();
        }
        List<String> released = Leaks.drain();
        List<String> leaks = leaked(before, after);
        if (!released.isEmpty() || !leaks.isEmpty()) {
            StringBuilder sb = new StringBuilder(context.getDisplayName());
            if (!leaks.isEmpty()) {
                sb.append(" left file descriptors open: ").append(leaks);
            }
            if (!released.isEmpty()) {
                sb.append(" forgot to close ").append(released.size()).append(" owner(s); a Cleaner released them:");
                released.forEach(r -> sb.append("\n  ").append(r));
            }
            throw new AssertionError(sb.toString());
        }
    }

    private static List<String> leaked(Map<Integer, String> before, Map<Integer, String> after) {
        List<String> out = new ArrayList<>();
        after.forEach((fd, target) -> {
            if (!target.equals(before.get(fd))) {
                out.add(fd + " -> " + target);
            }
        });
        return out;
    }

    /** fd number to link target, for the fds that are kernel objects bpf4j could own. */
    public static Map<Integer, String> kernelObjectFds() {
        Map<Integer, String> out = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("anon_inode:")
                            || target.startsWith("socket:")
                            || target.startsWith("net:")
                            || target.startsWith("mnt:")
                            || target.startsWith("/sys/fs/bpf")) {
                        out.put(Integer.parseInt(p.getFileName().toString()), target);
                    }
                } catch (IOException | NumberFormatException e) {
                    // the fd closed while listing (e.g. the listing's own directory fd)
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return out;
    }
}
