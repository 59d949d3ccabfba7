package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.PerfEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A TRACEPOINT program on a kernel tracepoint: the tracepoint's id from tracefs, a perf event on
 * it, and a BPF link over the perf event (Linux 5.15; the perf event ioctl before, as libbpf).
 *
 * <pre>{@code
 * try (Tracepoint l = Tracepoint.attach(prog, "syscalls", "sys_enter_execve")) { ... }
 * }</pre>
 */
public final class Tracepoint extends KernelLink {
    private static final List<Path> TRACEFS =
            List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    /**
     * A tracepoint by category and name, and the BPF cookie the program reads with
     * {@code bpf_get_attach_cookie} (0: none).
     *
     * <pre>{@code
     * Tracepoint.Spec.of("syscalls/sys_enter_execve")
     * }</pre>
     */
    public record Spec(String category, String name, long cookie) implements AttachSpec {
        /** {@code "category/name"}, no cookie. */
        public static Spec of(String categoryAndName) {
            int slash = categoryAndName.indexOf('/');
            if (slash <= 0 || slash == categoryAndName.length() - 1) {
                throw new IllegalArgumentException("tracepoint \"" + categoryAndName + "\" is not category/name");
            }
            return new Spec(categoryAndName.substring(0, slash), categoryAndName.substring(slash + 1), 0);
        }

        /** The same with a BPF cookie. */
        public Spec cookie(long value) {
            return new Spec(category, name, value);
        }

        @Override
        public String describe() {
            return "tracepoint " + category + "/" + name;
        }
    }

    private Tracepoint(PerfLinks.Attached a) {
        super(a);
    }

    /** Attaches {@code program} to tracepoint {@code category/name} (e.g. {@code syscalls/sys_enter_execve}). */
    public static Tracepoint attach(Program program, String category, String name) {
        return attach(program, new Spec(category, name, 0));
    }

    /** {@link #attach(Program, String, String)} with {@code "category/name"}. */
    public static Tracepoint attach(Program program, String categoryAndName) {
        return attach(program, Spec.of(categoryAndName));
    }

    /** Attaches {@code program} as {@code spec} says. */
    public static Tracepoint attach(Program program, Spec spec) {
        LinkCreate.requireType(program, "a tracepoint", ProgramType.TRACEPOINT);
        int id = id(spec.category(), spec.name());
        String what = spec.describe();
        Fd perf = PerfEvents.open(PerfEvents.Attr.of(PerfEvents.TYPE_TRACEPOINT, id), -1, 0, what);
        return new Tracepoint(PerfLinks.attach(program, perf, what, spec.cookie()));
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
                    throw new BpfException(
                            "cannot read the id of tracepoint " + category + "/" + name + " from " + p, e);
                }
            }
        }
        if (TRACEFS.stream().noneMatch(r -> Files.exists(r.resolve("events")))) {
            throw new BpfException("tracefs is not mounted: mount -t tracefs tracefs /sys/kernel/tracing");
        }
        throw new BpfException(
                "no tracepoint " + category + "/" + name + " (looked in "
                        + TRACEFS.get(0).resolve("events") + ")",
                Errno.ENOENT.number(),
                "tracefs",
                category + "/" + name);
    }
}
