package io.bpf4j.link;

import java.nio.file.Path;

/**
 * A program attached to something: closing it detaches the program (exactly once; a forgotten
 * link is closed by the GC's cleaner), unless it was pinned. One type per kind of attachment:
 * the kernel's BPF links ({@link KernelLink}: {@link Tracepoint}, {@link Uprobe}, {@link Xdp},
 * {@link Tcx}, ...), the per-CPU perf events of a {@link PerfEvent}, and the attachments the
 * kernel has no link object for ({@link SocketFilter}, {@link TcFilter}), the uprobes of a USDT
 * probe ({@link UsdtLink}); several links made by
 * one attach (XDP on every interface) come as a {@link LinkGroup}.
 *
 * <pre>{@code
 * try (Link link = Tracepoint.attach(program, "syscalls", "sys_enter_execve")) {
 *     ... the program runs on every execve ...
 * }
 * }</pre>
 */
public sealed interface Link extends AutoCloseable
        permits KernelLink, PerfEvent, SocketFilter, TcFilter, UsdtLink, LinkGroup, StructOpsRegistration {
    /** What the link attaches, e.g. {@code tracepoint syscalls/sys_enter_execve -> program "count"}. */
    String description();

    /** True once {@link #close()} was called. */
    boolean isClosed();

    /** Detaches and releases what the link holds. Idempotent. */
    @Override
    void close();

    /** Opens a link pinned at {@code path} (it stays attached; closing the object drops only our reference). */
    static KernelLink fromPin(Path path) {
        return PinnedLink.open(path);
    }

    /** Opens the link with this kernel id (it stays attached; closing the object drops only our reference). */
    static KernelLink fromId(int id) {
        return PinnedLink.ofId(id);
    }

    /** Removes a link pin; the attachment ends when the last handle on it is closed. */
    static void unpin(Path path) {
        try {
            java.nio.file.Files.delete(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.io.UncheckedIOException("cannot remove the link pin " + path + ": there is no such file", e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot remove the link pin " + path + ": " + e, e);
        }
    }
}
