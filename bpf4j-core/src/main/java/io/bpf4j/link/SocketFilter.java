package io.bpf4j.link;

import io.bpf4j.Program;
import io.bpf4j.internal.sys.Sockets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A SOCKET_FILTER program attached to one socket with SO_ATTACH_BPF: the program sees every
 * packet the socket receives and returns how many bytes to keep (0 drops it). There is no kernel
 * link object; {@link #close()} detaches with SO_DETACH_BPF (closing the socket ends it too).
 * The socket fd stays the caller's: bpf4j never closes it.
 *
 * <pre>{@code
 * try (SocketFilter f = SocketFilter.attach(program, socketFd)) {
 *     ... packets pass through the program ...
 * }
 * }</pre>
 */
public final class SocketFilter implements Link {
    /**
     * A socket by its fd number (the caller's; bpf4j never closes it).
     *
     * @param socketFd the socket's fd
     */
    public record Spec(int socketFd) implements AttachSpec {
        public Spec {
            if (socketFd < 0) {
                throw new IllegalArgumentException("socket fd " + socketFd + " is negative");
            }
        }

        @Override
        public String describe() {
            return "socket fd " + socketFd;
        }
    }

    private final int socket;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SocketFilter(int socket, String description) {
        this.socket = socket;
        this.description = description;
    }

    /** Attaches {@code program} to the socket with fd number {@code socketFd}. */
    public static SocketFilter attach(Program program, int socketFd) {
        return attach(program, new Spec(socketFd));
    }

    /** Attaches as {@code spec} says. */
    public static SocketFilter attach(Program program, Spec spec) {
        int socketFd = spec.socketFd();
        LinkCreate.requireType(program, "a socket filter", io.bpf4j.ProgramType.SOCKET_FILTER);
        String description = "socket fd " + socketFd + " -> program \"" + program.name() + "\"";
        Sockets.setIntOption(socketFd, Sockets.SO_ATTACH_BPF, program.fd(), "SO_ATTACH_BPF", description);
        return new SocketFilter(socketFd, description);
    }

    /** What is attached to what. */
    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /** Detaches the program from the socket (SO_DETACH_BPF). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Sockets.setIntOption(socket, Sockets.SO_DETACH_BPF, 0, "SO_DETACH_BPF", description);
        }
    }

    @Override
    public String toString() {
        return "SocketFilter[" + description + (closed.get() ? " closed" : "") + "]";
    }
}
