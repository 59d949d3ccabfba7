package io.bpf4j.link;

import io.bpf4j.Program;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An attached program. Closing the link detaches the program (unless the link was pinned, in
 * which case the pin keeps it alive until {@link #unpin} or the pin file is removed).
 *
 * <pre>{@code
 * try (Program p = Program.load(spec);
 *      Link l = Tracepoint.attach(p, "syscalls", "sys_enter_execve")) {
 *     ... the program runs on every execve ...
 * }
 * }</pre>
 *
 * <p>Two shapes exist: a {@link BpfLink} is a kernel bpf_link (info, pin, update, detach); a
 * {@link PerfEventLink} is the pre-link attachment of a program to a perf event with
 * PERF_EVENT_IOC_SET_BPF, used where the kernel has no perf-event links.
 */
public sealed interface Link extends AutoCloseable permits BpfLink, PerfEventLink {

    /** The kernel's description, where the link is a bpf_link. */
    Optional<LinkInfo> info();

    /** Pins the link on a bpffs so it outlives this process. */
    void pin(Path path);

    /** Replaces the running program without a gap (BPF_LINK_UPDATE). */
    void update(Program newProgram);

    /** Detaches the program but keeps the link object (BPF_LINK_DETACH). */
    void detach();

    /** True once closed. */
    boolean isClosed();

    /** Releases the link: the program stops running unless the link is pinned. Idempotent. */
    @Override
    void close();
}
