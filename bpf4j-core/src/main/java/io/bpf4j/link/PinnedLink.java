package io.bpf4j.link;

import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.Fd;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A link opened from its pin ({@link Link#fromPin}) or its kernel id ({@link Link#fromId}): its kind is whatever {@link #info()} says.
 * Closing it drops this process's reference only; the pin keeps the attachment.
 *
 * <pre>{@code
 * try (KernelLink l = Link.fromPin(Path.of("/sys/fs/bpf/app/xdp"))) {
 *     System.out.println(l.info().kind());
 * }
 * }</pre>
 */
public final class PinnedLink extends KernelLink {
    private PinnedLink(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    static PinnedLink ofId(int id) {
        return new PinnedLink(
                io.bpf4j.internal.sys.KernelIds.open(io.bpf4j.internal.sys.KernelIds.Kind.LINK, id), "link id " + id);
    }

    static PinnedLink open(Path path) {
        return new PinnedLink(Bpf.getPinned(path, "link pinned at " + path), "link pinned at " + path);
    }
}
