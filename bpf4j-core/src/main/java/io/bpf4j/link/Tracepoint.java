package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.LinkAttr;
import io.bpf4j.internal.sys.PerfEvents;
import io.bpf4j.internal.sys.Scratch;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Attaches a TRACEPOINT program to a kernel tracepoint: the tracepoint's id from tracefs, a perf
 * event on it, and a BPF link over the perf event (BPF_LINK_CREATE with BPF_PERF_EVENT, Linux
 * 5.15); on older kernels the perf event ioctl PERF_EVENT_IOC_SET_BPF, as libbpf falls back.
 *
 * <pre>{@code
 * try (Link l = Tracepoint.attach(prog, "syscalls", "sys_enter_execve")) { ... }
 * }</pre>
 */
public final class Tracepoint {
    private static final List<Path> TRACEFS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final int BPF_PERF_EVENT = io.bpf4j.AttachType.PERF_EVENT.value();

    private Tracepoint() {
    }

    /** Attaches {@code program} to tracepoint {@code category/name} (e.g. {@code syscalls/sys_enter_execve}). */
    public static Link attach(Program program, String category, String name) {
        int id = id(category, name);
        String what = "tracepoint " + category + "/" + name;
        Fd perf = PerfEvents.open(PerfEvents.Attr.of(PerfEvents.TYPE_TRACEPOINT, id), -1, 0, what);
        try {
            return attachPerfEvent(program, perf, what);
        } catch (RuntimeException e) {
            perf.close();
            throw e;
        }
    }

    /** {@link #attach(Program, String, String)} with {@code "category/name"}. */
    public static Link attach(Program program, String categoryAndName) {
        int slash = categoryAndName.indexOf('/');
        if (slash <= 0 || slash == categoryAndName.length() - 1) {
            throw new IllegalArgumentException("tracepoint \"" + categoryAndName + "\" is not category/name");
        }
        return attach(program, categoryAndName.substring(0, slash), categoryAndName.substring(slash + 1));
    }

    /** The tracepoint's id from tracefs {@code events/CATEGORY/NAME/id}. */
    public static int id(String category, String name) {
        // Only names tracefs can hold: "..", "/" or an empty part would walk the file system.
        if (!NAME.matcher(category).matches() || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a tracepoint name: \"" + category + "/" + name + "\"");
        }
        for (Path root : TRACEFS) {
            Path p = root.resolve("events").resolve(category).resolve(name).resolve("id");
            if (Files.exists(p)) {
                try {
                    return Integer.parseInt(Files.readString(p).trim());
                } catch (IOException | NumberFormatException e) {
                    throw new BpfException("cannot read the id of tracepoint " + category + "/" + name + " from " + p, e);
                }
            }
        }
        if (TRACEFS.stream().noneMatch(r -> Files.exists(r.resolve("events")))) {
            throw new BpfException("tracefs is not mounted: mount -t tracefs tracefs /sys/kernel/tracing");
        }
        throw new BpfException("no tracepoint " + category + "/" + name + " (looked in "
                + TRACEFS.get(0).resolve("events") + ")", Errno.ENOENT.number(), "tracefs", category + "/" + name);
    }

    /** A BPF link from {@code program} to an open perf event; the link owns the perf event afterwards. */
    static Link attachPerfEvent(Program program, Fd perf, String what) {
        String description = what + " -> program \"" + program.name() + "\"";
        int perfFd = perf.acquire();
        try {
            MemorySegment attr = Scratch.get().attr(LinkAttr.CREATE_SIZE);
            attr.set(JAVA_INT, LinkAttr.CREATE_PROG_FD, program.fd());
            attr.set(JAVA_INT, LinkAttr.CREATE_TARGET_FD, perfFd);
            attr.set(JAVA_INT, LinkAttr.CREATE_ATTACH_TYPE, BPF_PERF_EVENT);
            long r = Bpf.call(BpfCmd.LINK_CREATE, attr, LinkAttr.CREATE_SIZE);
            if (r >= 0) {
                PerfEvents.enable(perf);
                return new Link(new Fd((int) r, "link " + description), Optional.of(perf), description);
            }
            if (r != -Errno.EINVAL.number() && r != -Errno.EOPNOTSUPP.number()) {
                throw Bpf.error("cannot attach " + description, r, BpfCmd.LINK_CREATE, description);
            }
        } finally {
            perf.release();
        }
        // Kernels before 5.15 have no perf-event BPF links: attach through the perf event itself.
        PerfEvents.setBpf(perf, program.fd());
        PerfEvents.enable(perf);
        return new Link(perf, Optional.empty(), description);
    }
}
