package io.bpf4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A BPF object file as plain data: its maps, programs and globals, read from a clang-built
 * {@code .bpf.o}, editable before {@link #load()}. Immutable: every edit returns a new spec. The
 * same file gives the same spec on any machine; everything that depends on the running kernel
 * (kernel BTF, CO-RE, fds) happens in {@code load}.
 *
 * <pre>{@code
 * ObjectSpec spec = ObjectSpec.read(Path.of("execsnoop.bpf.o"))
 *         .withConstant("target_pid", 1234)          // a const volatile in .rodata
 *         .withMaxEntries("events", 1 << 20);
 * try (BpfObject obj = spec.load()) {
 *     BpfMap events = obj.map("events");
 *     Program prog = obj.program("handle_exec");
 * }
 * }</pre>
 */
public final class ObjectSpec {
    private final String file;
    private final LoadPlan plan;

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

    /** Reads an object from its bytes; {@code name} names it in messages and global data maps. */
    public static ObjectSpec read(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, "bytes");
        String base = Path.of(name).getFileName().toString().replace(".bpf.o", "").replace(".o", "");
        return new ObjectSpec(name, ObjectReader.plan(name, base, bytes));
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

    /** The object's name (file name without {@code .bpf.o}). */
    public String name() {
        return plan.objectName();
    }

    /** Every map, by name, in object order: the {@code .maps} maps, then global data (.data, .rodata, .bss, .kconfig). */
    public Map<String, MapSpec> maps() {
        Map<String, MapSpec> out = new LinkedHashMap<>();
        for (LoadPlan.MapPlan m : plan.maps()) {
            out.put(m.name(), m.spec());
        }
        return out;
    }

    /** Every program, in object order (subprograms of {@code .text} are not listed: they are linked in). */
    public List<ProgramSpec> programs() {
        return plan.programs().stream().map(LoadPlan.ProgramPlan::spec).toList();
    }

    /** The program named {@code name}. */
    public Optional<ProgramSpec> program(String name) {
        return programs().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Names of the .kconfig and .ksyms externs the object needs resolved at load. */
    public List<String> externs() {
        List<String> out = new java.util.ArrayList<>();
        plan.kconfig().forEach(k -> out.add(k.extern().name()));
        plan.ksyms().forEach(k -> out.add(k.name()));
        return out;
    }

    /**
     * Sets a global variable before load (typically a {@code const volatile} in {@code .rodata}),
     * checked against its BTF type: integers, booleans, enums by name, char arrays from strings.
     *
     * @throws IllegalArgumentException when no data section has the variable or the value does not fit
     */
    public ObjectSpec withConstant(String variable, Object value) {
        return new ObjectSpec(file, plan.withConstant(variable, value));
    }

    /** Resizes a map (max_entries; for ring buffers the size in bytes). */
    public ObjectSpec withMaxEntries(String map, int maxEntries) {
        return new ObjectSpec(file, plan.withMaxEntries(map, maxEntries));
    }

    /** Pins a map by name in the pin directory on load (and reuses a compatible pinned map). */
    public ObjectSpec withPinning(String map, Pinning pinning) {
        return new ObjectSpec(file, plan.withPinning(map, pinning));
    }

    /** Uses an existing map (its fd, kept by the caller) instead of creating {@code map}. */
    public ObjectSpec withMapFd(String map, int fd) {
        return new ObjectSpec(file, plan.withMapFd(map, fd));
    }

    /** Turns loading of one program on or off. */
    public ObjectSpec withAutoload(String program, boolean autoload) {
        return new ObjectSpec(file, plan.withAutoload(program, autoload));
    }

    /** Overrides a program's type, expected attach type and attach target. */
    public ObjectSpec withProgramType(String program, ProgramType type, Optional<AttachType> attachType, String target) {
        return new ObjectSpec(file, plan.withProgramType(program, type, attachType, target));
    }

    /**
     * Creates the maps and loads the programs: BTF, CO-RE against the kernel's BTF, externs,
     * subprograms, global data. A failure at any step releases everything made so far.
     *
     * @throws VerifierException when a program is rejected, with the log and source lines
     */
    public BpfObject load() {
        return load(Path.of("/sys/fs/bpf"), 0);
    }

    /**
     * {@link #load()} with a pin directory for {@link Pinning#BY_NAME} maps and a verifier log
     * level kept on success ({@link Program#verifierLog()}).
     */
    public BpfObject load(Path pinDirectory, int logLevel) {
        return ObjectLoader.load(plan, new ObjectLoader.Options(pinDirectory, logLevel));
    }

    /** The plan behind this spec, for the loader's tests. */
    LoadPlan plan() {
        return plan;
    }

    /** A readable summary: programs with their sections, maps with their shapes. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ObjectSpec ").append(name()).append(" (").append(file).append(")\n");
        sb.append("  programs:\n");
        for (ProgramSpec p : programs()) {
            sb.append("    ").append(p.name()).append("  ").append(p.type()).append("  SEC(\"").append(p.sectionName())
                    .append("\")").append(p.attachType().map(a -> "  attach " + a).orElse("")).append('\n');
        }
        sb.append("  maps:\n");
        maps().forEach((n, m) -> sb.append("    ").append(n).append("  ").append(m.type()).append(" key ")
                .append(m.keySize()).append(" value ").append(m.valueSize()).append(" max ").append(m.maxEntries())
                .append(m.pinning() == Pinning.NONE ? "" : " pinned").append('\n'));
        return sb.toString();
    }
}
