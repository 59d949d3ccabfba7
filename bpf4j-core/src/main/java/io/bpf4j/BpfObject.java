package io.bpf4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded BPF object: every map and program made from one object file, and the links attached
 * through it. Closing it closes them all (links first, then programs, then maps); pinned maps
 * and programs stay in bpffs.
 *
 * <pre>{@code
 * try (BpfObject obj = ObjectSpec.open(Path.of("counter.bpf.o")).load()) {
 *     Program p = obj.program("count_packets");
 *     BpfMap counts = obj.map("counts");
 * }
 * }</pre>
 */
public final class BpfObject implements AutoCloseable {
    private final String name;
    private final Map<String, BpfMap> maps;
    private final Map<String, Program> programs;
    private final List<AutoCloseable> links = new ArrayList<>();
    private final List<ProgramSpec> specs;
    private boolean closed;
    private volatile ObjectSpec spec;
    private volatile Map<String, byte[]> structOpsValues = Map.of();

    /**
     * Takes ownership of maps and programs (keyed by their names in the object file, in object
     * order).
     */
    BpfObject(String name, Map<String, BpfMap> maps, Map<String, Program> programs) {
        this(name, maps, programs, List.of());
    }

    /** As above, with the specs the programs were loaded from (for {@link #attachAll()}). */
    BpfObject(String name, Map<String, BpfMap> maps, Map<String, Program> programs, List<ProgramSpec> specs) {
        this.name = Objects.requireNonNull(name, "name");
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.programs = Collections.unmodifiableMap(new LinkedHashMap<>(programs));
        this.specs = List.copyOf(specs);
    }

    /** Records the spec this object was loaded from (once, by {@link ObjectSpec#load}). */
    void setSpec(ObjectSpec from) {
        this.spec = from;
    }

    /** Each struct_ops map's kernel value with program fds, as the loader laid it out (once, by the loader). */
    void setStructOpsValues(Map<String, byte[]> values) {
        this.structOpsValues = Map.copyOf(values);
    }

    /**
     * The kernel value of struct_ops map {@code map} as the loader laid it out from the object's
     * struct (data members copied by name, program fds at their members): what registering the map
     * writes at key 0. Empty for a map that is not a struct_ops map of this object.
     *
     * <pre>{@code
     * Link reno = StructOps.register(obj, "my_reno");   // what attachAll does for each struct_ops map
     * }</pre>
     */
    public Optional<byte[]> structOpsValue(String map) {
        byte[] v = structOpsValues.get(map);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    /** The names of this object's struct_ops maps, in object order. */
    public List<String> structOpsMaps() {
        return maps.keySet().stream().filter(structOpsValues::containsKey).toList();
    }

    /**
     * The spec this object was loaded from, with the user's edits: its BTF, map key and value
     * types, variables and externs. Empty for an object not made by {@link ObjectSpec#load}.
     */
    public Optional<ObjectSpec> spec() {
        return Optional.ofNullable(spec);
    }

    /**
     * Whether {@code program} takes part in {@code attachAll} (libbpf's autoattach; see
     * {@link ObjectSpec#withAutoattach}); true for programs of an object without a spec.
     */
    public boolean autoattach(String program) {
        ObjectSpec s = spec;
        return s == null || s.autoattach(program);
    }

    /** The specs of the loaded programs: section names, attach types and targets. */
    public List<ProgramSpec> programSpecs() {
        return specs.stream().filter(s -> programs.containsKey(s.name())).toList();
    }

    /**
     * Attaches every program whose section names its target, as libbpf's skeleton attach does;
     * programs that need a target their section does not name are skipped (see
     * {@link io.bpf4j.link.AttachAll}). The links belong to this object and close with it.
     *
     * @throws io.bpf4j.link.AttachException naming program, section and target; nothing stays attached
     */
    public io.bpf4j.link.AttachAll.Result attachAll() {
        return attachAll(io.bpf4j.link.AttachOptions.defaults());
    }

    /** {@link #attachAll()} with specs by program name, autoattach switches and a cgroup for cgroup hooks. */
    public io.bpf4j.link.AttachAll.Result attachAll(io.bpf4j.link.AttachOptions options) {
        return io.bpf4j.link.AttachAll.attach(this, programSpecs(), options);
    }

    /** The object's name (the file name without {@code .bpf.o}/{@code .o}). */
    public String name() {
        return name;
    }

    /** Every map by its name in the object file, including global data maps ({@code .rodata} ...). */
    public Map<String, BpfMap> maps() {
        return maps;
    }

    /** Every loaded program by its function name (programs with autoload off are absent). */
    public Map<String, Program> programs() {
        return programs;
    }

    /** The map of this name, if the object has one. */
    public Optional<BpfMap> findMap(String mapName) {
        return Optional.ofNullable(maps.get(mapName));
    }

    /** The program of this name, if the object loaded one. */
    public Optional<Program> findProgram(String programName) {
        return Optional.ofNullable(programs.get(programName));
    }

    /**
     * The map of this name.
     *
     * @throws NoSuchElementException naming the maps the object has
     */
    public BpfMap map(String mapName) {
        BpfMap m = maps.get(mapName);
        if (m == null) {
            throw new NoSuchElementException(
                    "object \"" + name + "\" has no map \"" + mapName + "\"; its maps are " + maps.keySet());
        }
        return m;
    }

    /**
     * The program of this name.
     *
     * @throws NoSuchElementException naming the programs the object loaded
     */
    public Program program(String programName) {
        Program p = programs.get(programName);
        if (p == null) {
            throw new NoSuchElementException("object \"" + name + "\" has no loaded program \"" + programName
                    + "\"; its programs are " + programs.keySet());
        }
        return p;
    }

    /**
     * Hands a link (or any other resource tied to this object's programs) to the object, so
     * that closing the object closes it first.
     *
     * @return {@code link}, for chaining
     */
    public synchronized <T extends AutoCloseable> T own(T link) {
        if (closed) {
            throw new IllegalStateException("object \"" + name + "\" is closed");
        }
        links.add(Objects.requireNonNull(link, "link"));
        return link;
    }

    /** Closes links (newest first), programs and maps. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (int i = links.size() - 1; i >= 0; i--) {
            first = closeQuietly(links.get(i), first);
        }
        links.clear();
        for (Program p : programs.values()) {
            first = closeQuietly(p, first);
        }
        for (BpfMap m : maps.values()) {
            first = closeQuietly(m, first);
        }
        if (first != null) {
            throw first;
        }
    }

    private static RuntimeException closeQuietly(AutoCloseable c, RuntimeException first) {
        try {
            c.close();
        } catch (Exception e) {
            RuntimeException r = e instanceof RuntimeException re
                    ? re
                    : new BpfException("cannot close " + c + ": " + e.getMessage(), e);
            if (first == null) {
                return r;
            }
            first.addSuppressed(r);
        }
        return first;
    }

    @Override
    public String toString() {
        return "BpfObject[" + name + " maps " + maps.keySet() + " programs " + programs.keySet()
                + (closed ? " closed" : "") + "]";
    }
}
