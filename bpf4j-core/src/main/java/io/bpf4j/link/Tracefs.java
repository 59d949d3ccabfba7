package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.NotSupportedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Finds tracefs and reads tracepoint ids and PMU types from sysfs. */
final class Tracefs {
    private static final List<Path> MOUNTS = List.of(Path.of("/sys/kernel/tracing"),
            Path.of("/sys/kernel/debug/tracing"));
    /** Group and event names the kernel accepts; anything else could walk the file system. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private Tracefs() {
    }

    /** The tracefs mount point. */
    static Path root() {
        for (Path p : MOUNTS) {
            if (Files.isDirectory(p.resolve("events"))) {
                return p;
            }
        }
        throw new NotSupportedException("tracefs (mount it: mount -t tracefs tracefs /sys/kernel/tracing)", "",
                0, "", "tracefs");
    }

    /** The id of tracepoint {@code group/event}, from {@code events/GROUP/EVENT/id}. */
    static int tracepointId(String group, String event) {
        if (!NAME.matcher(group).matches() || !NAME.matcher(event).matches()) {
            throw new IllegalArgumentException("not a tracepoint name: \"" + group + "/" + event + "\"");
        }
        Path id = root().resolve("events").resolve(group).resolve(event).resolve("id");
        try {
            return Integer.parseInt(Files.readString(id).trim());
        } catch (NoSuchFileException e) {
            throw new BpfException("no tracepoint " + group + "/" + event + " (" + id + " does not exist)");
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read the id of tracepoint " + group + "/" + event + " from " + id, e);
        }
    }

    /** The type number of a dynamic PMU such as {@code kprobe} or {@code uprobe}, if this kernel has it. */
    static Optional<Integer> pmuType(String pmu) {
        Path p = Path.of("/sys/bus/event_source/devices", pmu, "type");
        try {
            return Optional.of(Integer.parseInt(Files.readString(p).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The bit of {@code config} that asks for a return probe, from
     * {@code /sys/bus/event_source/devices/PMU/format/retprobe} ("config:0").
     */
    static Optional<Integer> retprobeBit(String pmu) {
        Path p = Path.of("/sys/bus/event_source/devices", pmu, "format", "retprobe");
        try {
            String s = Files.readString(p).trim();
            return Optional.of(Integer.parseInt(s.substring(s.indexOf(':') + 1)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
