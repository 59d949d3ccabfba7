package io.bpf4j.link;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code BpfObject.attachAll} does beyond the section names: a spec for a program by name
 * (for kinds whose section names no target — uprobe, perf event, XDP, TCX, socket — or to
 * override it), programs left alone (autoattach off, as libbpf's
 * {@code bpf_program__set_autoattach}), and the cgroup that cgroup hooks attach to.
 *
 * <pre>{@code
 * obj.attachAll(AttachOptions.defaults()
 *         .spec("on_tick", PerfEvent.Spec.frequency("cpu_clock", 99))
 *         .autoattach("debug_hook", false)
 *         .cgroup(Path.of("/sys/fs/cgroup/app")));
 * }</pre>
 *
 * @param specs attach specs by program name
 * @param autoattachOff names of programs not to attach
 * @param cgroup the cgroup v2 directory for programs of cgroup sections without a spec
 */
public record AttachOptions(Map<String, AttachSpec> specs, Set<String> autoattachOff, Optional<Path> cgroup) {
    public AttachOptions {
        specs = Map.copyOf(specs);
        autoattachOff = Set.copyOf(autoattachOff);
        Objects.requireNonNull(cgroup, "cgroup");
    }

    /** Section names only, as libbpf's skeleton attach. */
    public static AttachOptions defaults() {
        return new AttachOptions(Map.of(), Set.of(), Optional.empty());
    }

    /** The same, attaching program {@code program} as {@code spec} says. */
    public AttachOptions spec(String program, AttachSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (specs.containsKey(program)) {
            throw new IllegalArgumentException("program \"" + program + "\" has a spec already: " + specs.get(program));
        }
        Map<String, AttachSpec> m = new LinkedHashMap<>(specs);
        m.put(program, spec);
        return new AttachOptions(m, autoattachOff, cgroup);
    }

    /** The same with program {@code program}'s autoattach on or off. */
    public AttachOptions autoattach(String program, boolean on) {
        Set<String> s = new TreeSet<>(autoattachOff);
        if (on) {
            s.remove(program);
        } else {
            s.add(program);
        }
        return new AttachOptions(specs, s, cgroup);
    }

    /** The same, attaching programs of cgroup sections to the cgroup v2 directory {@code dir}. */
    public AttachOptions cgroup(Path dir) {
        return new AttachOptions(specs, autoattachOff, Optional.of(dir));
    }
}
