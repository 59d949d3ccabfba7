package io.bpf4j.link;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.bpf4j.internal.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP connection whose sending side chose its congestion control by name
 * (setsockopt(IPPROTO_TCP, TCP_CONGESTION), which java.net cannot set): the client socket is made
 * with raw syscalls, and so is the server, which reads and counts everything.
 */
final class TcpLoopback implements AutoCloseable {
    private static final long SYS_SOCKET = 41;
    private static final long SYS_CONNECT = 42;
    private static final long SYS_SETSOCKOPT = 54;
    private static final long SYS_GETSOCKOPT = 55;
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CONGESTION = 13;

    private static final long SYS_ACCEPT = 43;
    private static final long SYS_BIND = 49;
    private static final long SYS_LISTEN = 50;
    private static final long SYS_GETSOCKNAME = 51;

    private final int server;
    private final Thread reader;
    private final AtomicLong received = new AtomicLong();
    private final int fd;

    /** Connects to a new loopback server with congestion control {@code cc}; fails with the errno when refused. */
    TcpLoopback(String cc) throws IOException {
        // Raw sockets on both ends: java.net keeps descriptors of its own that the fd leak check would count.
        server = socket();
        int client = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = loopback(arena, 0);
            check(Libc.syscall(SYS_BIND, server, sa.address(), 16, 0, 0, 0), "bind 127.0.0.1:0");
            check(Libc.syscall(SYS_LISTEN, server, 1, 0, 0, 0, 0), "listen");
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 16);
            check(Libc.syscall(SYS_GETSOCKNAME, server, sa.address(), len.address(), 0, 0, 0), "getsockname");
            int port = (sa.get(JAVA_BYTE, 2) & 0xff) << 8 | sa.get(JAVA_BYTE, 3) & 0xff;
            client = socket();
            MemorySegment name = arena.allocateFrom(cc);
            check(
                    Libc.syscall(SYS_SETSOCKOPT, client, IPPROTO_TCP, TCP_CONGESTION, name.address(), cc.length(), 0),
                    "setsockopt(TCP_CONGESTION, " + cc + ")");
            check(
                    Libc.syscall(SYS_CONNECT, client, loopback(arena, port).address(), 16, 0, 0, 0),
                    "connect to 127.0.0.1:" + port);
        } catch (IOException | RuntimeException e) {
            if (client >= 0) {
                Libc.syscall(Libc.SYS_CLOSE, client, 0, 0);
            }
            Libc.syscall(Libc.SYS_CLOSE, server, 0, 0);
            throw e;
        }
        fd = client;
        reader = Thread.ofPlatform().daemon().start(() -> {
            int conn = (int) Libc.syscall(SYS_ACCEPT, server, 0, 0, 0, 0, 0);
            if (conn < 0) {
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(64 * 1024);
                for (long n; (n = Libc.syscall(Libc.SYS_READ, conn, buf.address(), buf.byteSize())) > 0; ) {
                    received.addAndGet(n);
                }
            } finally {
                Libc.syscall(Libc.SYS_CLOSE, conn, 0, 0);
            }
        });
    }

    private static int socket() throws IOException {
        return (int) check(Libc.syscall(SYS_SOCKET, AF_INET, SOCK_STREAM, 0, 0, 0, 0), "socket");
    }

    private static long check(long r, String what) throws IOException {
        if (r < 0) {
            throw new IOException(what + ": " + io.bpf4j.Errno.nameOf((int) -r));
        }
        return r;
    }

    private static MemorySegment loopback(Arena arena, int port) {
        MemorySegment sa = arena.allocate(16, 4);
        sa.set(JAVA_SHORT, 0, (short) AF_INET);
        sa.set(JAVA_BYTE, 2, (byte) (port >>> 8));
        sa.set(JAVA_BYTE, 3, (byte) port);
        sa.set(JAVA_BYTE, 4, (byte) 127);
        sa.set(JAVA_BYTE, 7, (byte) 1);
        return sa;
    }

    /** The congestion control the kernel reports for the client socket. */
    String congestionControl() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 16);
            long r = Libc.syscall(SYS_GETSOCKOPT, fd, IPPROTO_TCP, TCP_CONGESTION, buf.address(), len.address(), 0);
            if (r < 0) {
                throw new IOException("getsockopt(TCP_CONGESTION): errno " + -r);
            }
            return buf.getString(0, StandardCharsets.US_ASCII);
        }
    }

    /** Sends {@code bytes} bytes and waits (up to 10 s) until the server has read them all. */
    void send(int bytes) throws IOException, InterruptedException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment chunk = arena.allocate(64 * 1024);
            long before = received.get();
            for (int sent = 0; sent < bytes; ) {
                long r = Libc.syscall(Libc.SYS_WRITE, fd, chunk.address(), Math.min(chunk.byteSize(), bytes - sent));
                if (r < 0) {
                    throw new IOException("write: errno " + -r);
                }
                sent += (int) r;
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.get() - before < bytes && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    @Override
    public void close() throws IOException {
        Libc.syscall(Libc.SYS_CLOSE, fd, 0, 0);
        Libc.syscall(Libc.SYS_CLOSE, server, 0, 0);
        try {
            reader.join(10_000); // it closes the accepted socket on EOF
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
