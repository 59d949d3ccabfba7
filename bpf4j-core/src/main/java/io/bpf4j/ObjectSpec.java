package io.bpf4j;

import io.bpf4j.btf.Btf;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A BPF object file as plain data: its maps (with their key and value BTF types), programs (with
 * their instructions, carrying references to maps, subprograms and externs by name and their
 * source lines as {@link io.bpf4j.asm.Metadata}), global variables, externs and the object's own
 * {@link Btf}. Read from a clang-built {@code .bpf.o}, edited before {@link #load()} the way
 * libbpf's {@code bpf_map__set_*} and {@code bpf_program__set_*} allow. Immutable and safe to share
 * between threads: every edit returns a new spec. The same file gives an equal spec on any machine;
 * everything that depends on the running kernel (kernel BTF, CO-RE, CPU count, fds) happens in
 * {@code load}.
 *
 * <pre>{@code
 * ObjectSpec spec = ObjectSpec.read(Path.of("execsnoop.bpf.o"))
 *         .withConstant("target_pid", 1234)          // a const volatile in .rodata
 *         .withMaxEntries("events", 1 << 20)
 *         .withValueSize("stacks", 127 * 8);         // size a stack-trace map before load
 * spec.programs().forEach((name, p) -> System.out.println(name + ": " + p.instructions().size() + " insns"));
 * spec.variables().forEach((name, v) -> System.out.println(name + " = " + v.longValue()));
 * try (BpfObject obj = spec.load()) {
 *     BpfMap events = obj.map("events");
 *     Program prog = obj.program("handle_exec");
 * }
 * }</pre>
 */
public final class ObjectSpec {
    private final String file;
    private final LoadPlan plan;
    // Derived from the plan, computed once on first use (the plan is immutable).
    private volatile Map<String, ProgramSpec> programs;

    private ObjectSpec(String file, LoadPlan plan) {
        this.file = file;
        this.plan = plan;
    }

    /**
     * Reads an object file.
     *
     * @throws ObjectFormatException when the file is not a BPF object bpf4j can read (naming the
     *         section and offset)
     * @throws UncheckedIOException when it cannot be read
     */
    public static ObjectSpec read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object " + path, e);
        }
        return read(bytes, path.toString());
    }

    /**
     * Reads an object from its bytes. {@code name} names it in messages; its file name up to the
     * first dot, cut to 15 characters, is the object's name and the prefix of its global data
     * maps, as libbpf names them ({@code execsnoop.bpf.o} → {@code execsnoop}).
     *
     * @throws IllegalArgumentException when {@code name} has no file name to take the object's name from
     * @throws ObjectFormatException when the bytes are not a BPF object bpf4j can read
     */
    public static ObjectSpec read(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(name, "name");
        ObjectSpec spec = new ObjectSpec(name, ObjectReader.plan(name, objectName(name), bytes));
        try {
            // Links every program now: a broken call graph is a format error of the file.
            spec.programs().forEach((n, p) -> {
                if (p.instructions().isEmpty()) {
                    throw new ObjectFormatException(name + ": section " + p.sectionName() + ": program " + n
                            + " has no instructions (its symbol's size is 0)");
                }
            });
        } catch (ObjectFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ObjectFormatException(name + ": linking its programs: " + e.getMessage(), e);
        }
        return spec;
    }

    /** libbpf's object name: the file name up to its first dot, at most 15 characters. */
    static String objectName(String file) {
        String base = file;
        int slash = base.lastIndexOf('/');
        if (slash >= 0) {
            base = base.substring(slash + 1);
        }
        if (base.length() > 15) {
            base = base.substring(0, 15);
        }
        int dot = base.indexOf('.');
        if (dot >= 0) {
            base = base.substring(0, dot);
        }
        if (base.isEmpty()) {
            throw new IllegalArgumentException("\"" + file + "\" has no file name to name the object by"
                    + " (give a name such as \"execsnoop.bpf.o\")");
        }
        return base;
    }

    /** Reads an object from the class path (e.g. one packaged in the application's jar). */
    public static ObjectSpec readResource(String resource) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = ObjectSpec.class.getClassLoader();
        }
        String r = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = cl.getResourceAsStream(r)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("no class path resource " + resource));
            }
            return read(in.readAllBytes(), r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class path resource " + resource, e);
        }
    }

    /** The object's name (libbpf's: the file name up to its first dot). */
    public String name() {
        return plan.objectName();
    }

    /** The object's own BTF, every DATASEC sized and its variables placed; empty for an object built without {@code -g}. */
    public Optional<Btf> btf() {
        return plan.types();
    }

    /**
     * Every map, by name, in object order: the {@code .maps} (and legacy {@code maps}) maps, then
     * global data ({@code .data}, {@code .rodata}, {@code .bss}, custom sections, {@code .kconfig}).
     * Unmodifiable: edit with the {@code with*} methods.
     */
    public Map<String, MapSpec> maps() {
        Map<String, MapSpec> out = new LinkedHashMap<>();
        for (LoadPlan.MapPlan m : plan.maps()) {
            out.put(m.name(), m.spec());
        }
        return Collections.unmodifiableMap(out);
    }

    /** The map named {@code name} (a global data map by its section, e.g. {@code .rodata}). */
    public Optional<MapSpec> map(String name) {
        return Optional.ofNullable(maps().get(name));
    }

    /**
     * Every program, by name, in object order, with its instructions: the program's own, then every
     * subprogram it calls appended, as the loader links them. References to maps, globals,
     * subprograms and kernel symbols are in each instruction's metadata, resolved at load.
     * Subprograms of {@code .text} are not listed. Unmodifiable.
     */
    public Map<String, ProgramSpec> programs() {
        Map<String, ProgramSpec> p = programs;
        if (p == null) {
            Map<String, ProgramSpec> out = new LinkedHashMap<>();
            Map<String, Linker.SlotIndex> index = Linker.index(plan.code());
            Map<String, List<Linker.CodeRef>> calls = Linker.bySection(plan.codeRefs());
            for (LoadPlan.ProgramPlan pp : plan.programs()) {
                List<io.bpf4j.asm.Instruction> insns = Linker.link(
                                plan.code(), index, plan.functions(), calls, pp.entry(), List.of(), List.of())
                        .instructions();
                out.put(
                        pp.spec().name(),
                        pp.spec().toBuilder().instructions(insns).build());
            }
            p = Collections.unmodifiableMap(out);
            programs = p;
        }
        return p;
    }

    /** The program named {@code name}. */
    public Optional<ProgramSpec> program(String name) {
        return Optional.ofNullable(programs().get(name));
    }

    /** Whether {@code program} is loaded by {@link #load()} (libbpf's {@code bpf_program__autoload}). */
    public boolean autoload(String program) {
        return programPlan(program).autoload();
    }

    /** Whether {@code program} is attached by {@code attachAll} (libbpf's {@code bpf_program__autoattach}). */
    public boolean autoattach(String program) {
        return programPlan(program).autoattach();
    }

    private LoadPlan.ProgramPlan programPlan(String program) {
        return plan.programs().stream()
                .filter(p -> p.spec().name().equals(program))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("object \"" + name() + "\" has no program \"" + program
                        + "\"; its programs are " + programs().keySet()));
    }

    /**
     * Every global variable of the data sections, by name, in section and offset order, with its
     * BTF type and initial value. Empty for an object built without BTF.
     */
    public Map<String, VariableSpec> variables() {
        return Collections.unmodifiableMap(plan.variables());
    }

    /** The {@code .kconfig} and {@code .ksyms} externs the object needs resolved at load. */
    public List<ExternSpec> externs() {
        List<ExternSpec> out = new ArrayList<>();
        plan.kconfig().forEach(k -> out.add(k.extern()));
        out.addAll(plan.ksyms());
        return List.copyOf(out);
    }

    /**
     * Sets a global variable before load (typically a {@code const volatile} in {@code .rodata}),
     * checked against its BTF type: integers, booleans, enums by value or name, char arrays from
     * strings, structs and unions from a {@code Map} of member values or exact bytes (see
     * {@link VariableSpec}).
     *
     * @throws IllegalArgumentException when no data section has the variable (listing those that
     *         exist) or the value does not fit its type (naming the type)
     */
    public ObjectSpec withConstant(String variable, Object value) {
        return new ObjectSpec(file, plan.withConstant(variable, value));
    }

    /**
     * The object's struct_ops variables ({@code SEC(".struct_ops")} and {@code SEC(".struct_ops.link")}),
     * by name; each is also a {@link MapType#STRUCT_OPS} map of {@link #maps()}.
     *
     * <pre>{@code
     * spec.structOps().get("my_reno").programs();   // member -> program
     * }</pre>
     */
    public Map<String, StructOpsSpec> structOps() {
        return Collections.unmodifiableMap(plan.structOps());
    }

    /**
     * Sets one member of struct_ops variable {@code map} before load: a data member to
     * {@code value} encoded for its C type as {@link #withConstant} encodes (a String for a
     * {@code char[]}, a Number for an integer, ...), a function pointer member to the struct_ops
     * program named by {@code value} (a String). At load the members are matched to the kernel's
     * struct by name, as libbpf does.
     *
     * <pre>{@code
     * spec = spec.withStructOpsMember("my_reno", "name", "reno_" + ProcessHandle.current().pid())
     *            .withStructOpsMember("my_reno", "flags", 0);
     * }</pre>
     *
     * @throws IllegalArgumentException when the map, member or program does not exist, or the value does not fit
     */
    public ObjectSpec withStructOpsMember(String map, String member, Object value) {
        return new ObjectSpec(file, plan.withStructOpsMember(map, member, value));
    }

    /** {@link #withConstant} for each entry, checked all before any is applied. */
    public ObjectSpec withConstants(Map<String, ?> values) {
        LoadPlan p = plan;
        for (Map.Entry<String, ?> e : values.entrySet()) {
            p = p.withConstant(e.getKey(), e.getValue());
        }
        return new ObjectSpec(file, p);
    }

    /**
     * Edits one map's spec (libbpf's {@code bpf_map__set_*}); the edit may change anything but the
     * name. A key or value size that no longer matches the map's BTF type drops that type, as
     * libbpf creates such a map without BTF.
     *
     * <pre>{@code
     * spec = spec.withMap("stacks", m -> m.toBuilder().valueSize(127 * 8).maxEntries(16384).build());
     * }</pre>
     *
     * @throws IllegalArgumentException when the object has no such map (listing those it has)
     */
    public ObjectSpec withMap(String map, UnaryOperator<MapSpec> edit) {
        return new ObjectSpec(file, plan.withMapSpec(map, m -> keepMatchingBtf(edit.apply(m))));
    }

    private static MapSpec keepMatchingBtf(MapSpec m) {
        int key = m.keyType()
                .filter(t -> sizeOf(t) == m.keySize())
                .map(io.bpf4j.btf.TypeRef::id)
                .orElse(0);
        int value = m.valueType()
                .filter(t -> sizeOf(t) == m.valueSize())
                .map(io.bpf4j.btf.TypeRef::id)
                .orElse(0);
        if (key == m.btfKeyTypeId() && value == m.btfValueTypeId()) {
            return m;
        }
        return m.toBuilder().btfTypeIds(key, value).build();
    }

    private static long sizeOf(io.bpf4j.btf.TypeRef t) {
        try {
            return t.size();
        } catch (io.bpf4j.btf.BtfException e) {
            return -1;
        }
    }

    /** Resizes a map (max_entries; for ring buffers the size in bytes). */
    public ObjectSpec withMaxEntries(String map, int maxEntries) {
        return withMap(map, m -> m.toBuilder().maxEntries(maxEntries).build());
    }

    /** Sets a map's key size (libbpf's {@code bpf_map__set_key_size}). */
    public ObjectSpec withKeySize(String map, int keySize) {
        return withMap(map, m -> m.toBuilder().keySize(keySize).build());
    }

    /** Sets a map's value size, e.g. a stack-trace map's depth (libbpf's {@code bpf_map__set_value_size}). */
    public ObjectSpec withValueSize(String map, int valueSize) {
        return withMap(map, m -> m.toBuilder().valueSize(valueSize).build());
    }

    /** Sets a map's type (libbpf's {@code bpf_map__set_type}). */
    public ObjectSpec withMapType(String map, MapType type) {
        return withMap(map, m -> m.toBuilder().type(type).build());
    }

    /** Sets a map's BPF_F_* flags (libbpf's {@code bpf_map__set_map_flags}). */
    public ObjectSpec withMapFlags(String map, int flags) {
        return withMap(map, m -> m.toBuilder().flags(flags).build());
    }

    /** Sets the NUMA node a map is allocated on (libbpf's {@code bpf_map__set_numa_node}). */
    public ObjectSpec withNumaNode(String map, int node) {
        return withMap(map, m -> m.toBuilder().numaNode(node).build());
    }

    /** Sets a map's map_extra (bloom filter hash count; libbpf's {@code bpf_map__set_map_extra}). */
    public ObjectSpec withMapExtra(String map, long extra) {
        return withMap(map, m -> m.toBuilder().mapExtra(extra).build());
    }

    /** Sets the inner map of a map-in-map (libbpf's {@code bpf_map__set_inner_map_fd}, as a spec). */
    public ObjectSpec withInnerMap(String map, MapSpec inner) {
        return withMap(map, m -> m.toBuilder().innerMap(inner).build());
    }

    /** Pins a map by name in the pin directory on load (and reuses a compatible pinned map). */
    public ObjectSpec withPinning(String map, Pinning pinning) {
        return withMap(map, m -> m.toBuilder().pinning(pinning).build());
    }

    /** Turns loading of one program on or off (libbpf's {@code bpf_program__set_autoload}). */
    public ObjectSpec withAutoload(String program, boolean autoload) {
        return new ObjectSpec(file, plan.withAutoload(program, autoload));
    }

    /** Leaves a program out of {@code attachAll}, or puts it back (libbpf's {@code bpf_program__set_autoattach}). */
    public ObjectSpec withAutoattach(String program, boolean autoattach) {
        return new ObjectSpec(
                file,
                plan.withProgramPlan(
                        program,
                        p -> new LoadPlan.ProgramPlan(p.spec(), p.entry(), p.autoload(), autoattach, p.logLevel())));
    }

    /** Overrides a program's type, expected attach type and attach target. */
    public ObjectSpec withProgramType(
            String program, ProgramType type, Optional<AttachType> attachType, String target) {
        return new ObjectSpec(file, plan.withProgramType(program, type, attachType, target));
    }

    /** Sets a program's attach target (libbpf's {@code bpf_program__set_attach_target}), e.g. a kernel function for fentry. */
    public ObjectSpec withAttachTarget(String program, String target) {
        return editProgram(
                program, p -> p.toBuilder().attachTo(target).attachBtfId(0).build());
    }

    /** Sets a program's BPF_F_* load flags (libbpf's {@code bpf_program__set_flags}). */
    public ObjectSpec withProgramFlags(String program, int flags) {
        return editProgram(program, p -> p.toBuilder().flags(flags).build());
    }

    /** Sets one program's verifier log level, kept on success (libbpf's {@code bpf_program__set_log_level}). */
    public ObjectSpec withLogLevel(String program, int level) {
        if ((level & ~0xf) != 0) {
            throw new IllegalArgumentException("program \"" + program + "\": log level " + level
                    + " is not a sum of 1 (basic), 2 (verbose), 4 (statistics) and 8 (fixed-size log)");
        }
        return new ObjectSpec(
                file,
                plan.withProgramPlan(
                        program,
                        p -> new LoadPlan.ProgramPlan(p.spec(), p.entry(), p.autoload(), p.autoattach(), level)));
    }

    private ObjectSpec editProgram(String program, UnaryOperator<ProgramSpec> edit) {
        return new ObjectSpec(
                file,
                plan.withProgramPlan(
                        program,
                        p -> new LoadPlan.ProgramPlan(
                                edit.apply(p.spec()), p.entry(), p.autoload(), p.autoattach(), p.logLevel())));
    }

    /**
     * Creates the maps and loads the programs: BTF, CO-RE against the kernel's BTF, externs,
     * subprograms, global data. A failure at any step releases everything made so far.
     *
     * @throws VerifierException when a program is rejected, with the log and source lines
     */
    public BpfObject load() {
        return load(ObjectOptions.DEFAULT);
    }

    /**
     * {@link #load()} with a pin directory for {@link Pinning#BY_NAME} maps and a verifier log
     * level kept on success ({@link Program#verifierLog()}).
     */
    public BpfObject load(Path pinDirectory, int logLevel) {
        return load(ObjectOptions.DEFAULT.withPinDirectory(pinDirectory).withLogLevel(logLevel));
    }

    /**
     * {@link #load()} with options: pin directory, log level, and existing maps to use in place of
     * the object's own (checked for compatibility).
     *
     * <pre>{@code
     * try (BpfMap shared = BpfMap.fromPin(Path.of("/sys/fs/bpf/shared_counts"));
     *      BpfObject obj = spec.load(ObjectOptions.DEFAULT.withMapReplacement("counts", shared))) { ... }
     * }</pre>
     *
     * @throws IllegalArgumentException when a replacement names a map the object does not have
     */
    public BpfObject load(ObjectOptions options) {
        LoadPlan p = plan;
        for (Map.Entry<String, BpfMap> r : options.mapReplacements().entrySet()) {
            int fd = r.getValue().fd();
            p = p.withMapFd(r.getKey(), fd);
        }
        LoadPlan plan = p;
        ObjectLoader.Options lo =
                new ObjectLoader.Options(options.pinDirectory(), options.logLevel(), options.extensionTargets());
        BpfObject obj;
        // A BPF token (given, or found as libbpf finds one) goes with every create/load of this load.
        try (BpfToken found = BpfToken.forLoad(options).orElse(null)) {
            java.util.OptionalInt token = options.token()
                    .map(t -> java.util.OptionalInt.of(t.fd()))
                    .orElse(found == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(found.fd()));
            obj = io.bpf4j.internal.sys.Tokens.during(token, () -> ObjectLoader.load(plan, lo));
        }
        obj.setSpec(this);
        return obj;
    }

    /** The plan behind this spec, for the loader's tests. */
    LoadPlan plan() {
        return plan;
    }

    /** A readable summary: programs with their sections, maps with their shapes. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ObjectSpec ")
                .append(name())
                .append(" (")
                .append(file)
                .append(")\n");
        sb.append("  programs:\n");
        for (ProgramSpec p : programs().values()) {
            sb.append("    ")
                    .append(p.name())
                    .append("  ")
                    .append(p.type())
                    .append("  SEC(\"")
                    .append(p.sectionName())
                    .append("\")")
                    .append(p.attachType().map(a -> "  attach " + a).orElse(""))
                    .append("  ")
                    .append(p.instructions().size())
                    .append(" insns\n");
        }
        sb.append("  maps:\n");
        maps().forEach((n, m) -> sb.append("    ")
                .append(n)
                .append("  ")
                .append(m.type())
                .append(" key ")
                .append(m.keySize())
                .append(" value ")
                .append(m.valueSize())
                .append(" max ")
                .append(m.maxEntries())
                .append(m.pinning() == Pinning.NONE ? "" : " pinned")
                .append('\n'));
        return sb.toString();
    }
}
