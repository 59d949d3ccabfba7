package io.bpf4j.internal.sys;

import io.bpf4j.BpfException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Runs code inside another network namespace without moving any existing Java thread: a new
 * platform thread (one OS thread) opens the namespace file, calls setns(CLONE_NEWNET) for itself
 * only, runs the code, and ends. Kernel objects made there (links on its interfaces) outlive it.
 */
public final class Netns {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    private Netns() {}

    /**
     * Opens a namespace file as an owned fd (the target of netns links: sk_lookup, flow
     * dissector, netkit peers).
     */
    public static Fd open(Path nsPath) {
        try (Arena arena = Arena.ofConfined()) {
            long fd = Libc.syscall(
                    Libc.SYS_OPENAT, -100, arena.allocateFrom(nsPath.toString()).address(), O_RDONLY_CLOEXEC, 0, 0, 0);
            if (fd < 0) {
                throw new BpfException("cannot open network namespace " + nsPath, (int) -fd, "open", nsPath.toString());
            }
            return new Fd((int) fd, "network namespace " + nsPath);
        }
    }

    /** Runs {@code task} in the network namespace of {@code nsPath} ({@code /proc/PID/ns/net}, {@code /var/run/netns/NAME}). */
    public static <T> T run(Path nsPath, Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("bpf4j-netns").start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                long fd = Libc.syscall(
                        Libc.SYS_OPENAT,
                        -100,
                        arena.allocateFrom(nsPath.toString()).address(),
                        O_RDONLY_CLOEXEC,
                        0,
                        0,
                        0);
                if (fd < 0) {
                    throw new BpfException(
                            "cannot open network namespace " + nsPath, (int) -fd, "open", nsPath.toString());
                }
                try {
                    long r = Libc.syscall(Libc.SYS_SETNS, fd, CLONE_NEWNET, 0);
                    if (r < 0) {
                        throw new BpfException(
                                "cannot enter network namespace " + nsPath, (int) -r, "setns", nsPath.toString());
                    }
                } finally {
                    Libc.syscall(Libc.SYS_CLOSE, fd, 0, 0);
                }
                result.complete(task.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            t.join();
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BpfException("interrupted while working in network namespace " + nsPath, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new BpfException("failed in network namespace " + nsPath, e.getCause());
        }
    }
}
