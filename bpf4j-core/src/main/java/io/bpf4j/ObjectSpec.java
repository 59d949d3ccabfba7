package io.bpf4j;

import io.bpf4j.internal.elf.ElfFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A BPF object file read into plain data: its programs (typed by their section names), maps,
 * global data sections with their variables, license and version. Nothing touches the kernel
 * until {@link #load()}; edits ({@link #withConstant}, {@link #withMaxEntries}, ...) give a new
 * spec and leave this one as it was.
 *
 * <pre>{@code
 * ObjectSpec spec = ObjectSpec.read(Path.of("counter.bpf.o")).withConstant("target_pid", 42);
 * try (BpfObject obj = spec.load()) {
 *     BpfMap counts = obj.map("counts");
 * }
 * }</pre>
 */
public final class ObjectSpec {
    /** The largest object file read (a BPF object is kilobytes to a few megabytes). */
    private static final long MAX_FILE_SIZE = 256L << 20;

    private final LoadPlan plan;
    private final String license;
    private final int kernelVersion;
    private final List<GlobalSection> globals;

    /**
     * A global data section ({@code .data}, {@code .rodata}, {@code .bss}, {@code .data.*},
     * {@code .rodata.*}, or the {@code .kconfig} externs), loaded as a single-element array map.
     *
     * @param name the section name
     * @param size its size in bytes
     * @param readOnly true for {@code .rodata*} and {@code .kconfig} (frozen after load)
     * @param variables its variables with their offsets, in symbol order
     */
    public record GlobalSection(String name, int size, boolean readOnly, List<Variable> variables) {
        public GlobalSection {
            Objects.requireNonNull(name, "name");
            variables = List.copyOf(variables);
        }
    }

    /** A global variable: its name, byte offset in its section and size. */
    public record Variable(String name, long offset, long size) {
    }

    private ObjectSpec(LoadPlan plan, String license, int kernelVersion, List<GlobalSection> globals) {
        this.plan = plan;
        this.license = license;
        this.kernelVersion = kernelVersion;
        this.globals = List.copyOf(globals);
    }

    /**
     * Reads an object file.
     *
     * @throws ObjectFormatException when the file is not a usable little-endian BPF ELF object,
     *         naming the file, section and offset
     * @throws UncheckedIOException when the file cannot be read
     */
    public static ObjectSpec read(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_SIZE) {
                throw new ObjectFormatException(file + ": " + size + " bytes is larger than any BPF object (" + MAX_FILE_SIZE + ")");
            }
            return read(objectName(file.getFileName().toString()), file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object " + file, e);
        }
    }

    /** Reads an object from bytes; its name (prefix of global data map names) is "object". */
    public static ObjectSpec read(byte[] object) {
        return read("object", "<bytes>", object);
    }

    /**
     * Reads an object from the class path (e.g. {@code "/bpf/counter.bpf.o"}), through this
     * class's loader.
     *
     * @throws ObjectFormatException naming the resource when it is absent or malformed
     */
    public static ObjectSpec readResource(String resource) {
        String path = resource.startsWith("/") ? resource : "/" + resource;
        try (InputStream in = ObjectSpec.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new ObjectFormatException("no class path resource " + path);
            }
            byte[] bytes = in.readNBytes((int) MAX_FILE_SIZE + 1);
            if (bytes.length > MAX_FILE_SIZE) {
                throw new ObjectFormatException(path + ": larger than any BPF object (" + MAX_FILE_SIZE + ")");
            }
            return read(objectName(path.substring(path.lastIndexOf('/') + 1)), path, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + path, e);
        }
    }

    private static ObjectSpec read(String name, String source, byte[] bytes) {
        ElfObjectPlanner.Result r = ElfObjectPlanner.plan(ElfFile.parse(source, bytes), name);
        return new ObjectSpec(r.plan(), r.license(), r.kernelVersion(), r.globals());
    }

    private static String objectName(String fileName) {
        String n = fileName.endsWith(".bpf.o") ? fileName.substring(0, fileName.length() - 6)
                : fileName.endsWith(".o") ? fileName.substring(0, fileName.length() - 2) : fileName;
        return n.isEmpty() ? "object" : n;
    }

    /** The object's name: the file name without {@code .bpf.o}. */
    public String name() {
        return plan.objectName();
    }

    /** The {@code license} section's string, "" when the object has none. */
    public String license() {
        return license;
    }

    /** The {@code version} section's value (LINUX_VERSION_CODE for old kprobes), 0 when absent. */
    public int kernelVersion() {
        return kernelVersion;
    }

    /** Every program (every function of every program section), in object order; instructions are not included. */
    public List<ProgramSpec> programs() {
        return plan.programs().stream().map(LoadPlan.ProgramPlan::spec).toList();
    }

    /** Every map, in object order, global data maps included (named by their sections). */
    public List<MapSpec> maps() {
        return plan.maps().stream().map(LoadPlan.MapPlan::spec).toList();
    }

    /** Names of every map in object order ({@code .rodata} etc. for global data). */
    public List<String> mapNames() {
        return plan.maps().stream().map(LoadPlan.MapPlan::name).toList();
    }

    /** The global data sections and their variables. */
    public List<GlobalSection> globals() {
        return globals;
    }

    /** The non-program functions ({@code .text} subprograms) linked into programs that call them. */
    public List<String> subprograms() {
        return plan.functions().stream().filter(f -> f.section().equals(".text")).map(Linker.Function::name).toList();
    }

    /**
     * This spec with a global variable (usually a {@code const volatile} in {@code .rodata}) set
     * before load, checked against its BTF type.
     *
     * @throws IllegalArgumentException naming the globals that exist, or when the value does not fit
     */
    public ObjectSpec withConstant(String variable, Object value) {
        return new ObjectSpec(plan.withConstant(variable, value), license, kernelVersion, globals);
    }

    /** This spec with a map's max_entries changed. */
    public ObjectSpec withMaxEntries(String map, int maxEntries) {
        return new ObjectSpec(plan.withMaxEntries(map, maxEntries), license, kernelVersion, globals);
    }

    /** This spec with a program left out of (or back into) the load. */
    public ObjectSpec withAutoload(String program, boolean autoload) {
        return new ObjectSpec(plan.withAutoload(program, autoload), license, kernelVersion, globals);
    }

    /** This spec with a map's pinning changed (pinned under /sys/fs/bpf by its name). */
    public ObjectSpec withPinning(String map, Pinning pinning) {
        return new ObjectSpec(plan.withPinning(map, pinning), license, kernelVersion, globals);
    }

    /**
     * Creates every map and loads every program into the kernel.
     *
     * @throws VerifierException when the verifier rejects a program (nothing is left behind)
     * @throws BpfException for any other refusal, naming the map or program
     */
    public BpfObject load() {
        return ObjectLoader.load(plan, ObjectLoader.Options.DEFAULT);
    }

    /** The loader's view of this spec. */
    LoadPlan plan() {
        return plan;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ObjectSpec ").append(name()).append(" (license \"").append(license)
                .append("\"").append(kernelVersion != 0 ? ", version " + kernelVersion : "").append(")\n");
        for (LoadPlan.ProgramPlan p : plan.programs()) {
            ProgramSpec s = p.spec();
            sb.append("  program ").append(s.name()).append(": ").append(s.type())
                    .append(s.attachType().map(a -> "/" + a).orElse("")).append(" in \"").append(s.sectionName())
                    .append("\"").append(s.attachTo().isEmpty() ? "" : " -> " + s.attachTo())
                    .append(", ").append(p.entry().length()).append(" insns\n");
        }
        for (LoadPlan.MapPlan m : plan.maps()) {
            MapSpec s = m.spec();
            sb.append("  map ").append(m.name()).append(": ").append(s.type()).append(" key ").append(s.keySize())
                    .append(" value ").append(s.valueSize()).append(" max ").append(s.maxEntries())
                    .append(s.flags() != 0 ? " flags 0x" + Integer.toHexString(s.flags()) : "")
                    .append(s.pinning() != Pinning.NONE ? " pinned " + s.pinning() : "")
                    .append(s.innerMap().map(i -> " inner " + i.type()).orElse(""))
                    .append(m.initialSlots().isEmpty() ? "" : " slots " + m.initialSlots()).append('\n');
        }
        for (GlobalSection g : globals) {
            sb.append("  global ").append(g.name()).append(" (").append(g.size()).append(" bytes")
                    .append(g.readOnly() ? ", read-only" : "").append("):");
            for (Variable v : g.variables()) {
                sb.append(' ').append(v.name()).append('@').append(v.offset());
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
