package io.bpf4j;

import io.bpf4j.btf.TypeRef;
import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.StructValue;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Mmap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The global variables of one data section of a loaded object ({@code .data}, {@code .bss},
 * {@code .rodata}, {@code .data.custom}...), typed from the section's BTF: read and patch them by
 * name. Writable sections are read and written through the map's memory mapped into this process,
 * so reads see the programs' writes as they happen, without a system call; the mapping belongs to
 * this handle (and the object it came from: closing either unmaps it, after which a use throws
 * {@link IllegalStateException}). {@code .rodata} is frozen after load: it reads, and a patch
 * says to set constants before load instead.
 *
 * <pre>{@code
 * try (DataSection data = DataSection.open(obj, ".data")) {
 *     long limit = ((Number) data.read("limit")).longValue();
 *     data.patch("limit", 9L);
 *     data.patch(Map.of("limit", 10L, "last", Map.of("packets", 0)));   // all or nothing
 *     StructValue all = data.read();
 * }
 * }</pre>
 */
public final class DataSection implements AutoCloseable {
    private final BpfMap map;
    private final String section;
    private final BtfCodec codec;
    private final Map<String, Var> vars = new LinkedHashMap<>();
    private final boolean readOnly;
    private final Arena arena;
    /** The mapped value (scoped to {@link #arena}), or null when the map is not mmap-able. */
    private final MemorySegment mapped;

    private record Var(String name, long offset, BtfCodec codec) {}

    private DataSection(BpfMap map, String section, TypeRef dataSec) {
        this.map = map;
        this.section = section;
        this.codec = BtfCodec.of(dataSec);
        if (codec.size() != map.valueSize()) {
            throw new IllegalStateException("section " + section + ": its BTF says " + codec.size()
                    + " bytes, its map holds " + map.valueSize());
        }
        if (!(dataSec.resolved().type() instanceof io.bpf4j.btf.Type.DataSec ds)) {
            throw new IllegalStateException(map.what() + ": value type " + dataSec + " is not a DATASEC");
        }
        for (io.bpf4j.btf.Type.VarSecInfo v : ds.vars()) {
            if (dataSec.btf().type(v.typeId()) instanceof io.bpf4j.btf.Type.Var var) {
                vars.put(
                        var.name(),
                        new Var(
                                var.name(),
                                Integer.toUnsignedLong(v.offset()),
                                BtfCodec.of(dataSec.btf(), v.typeId())));
            }
        }
        // As libbpf: .rodata* and .kconfig are frozen once filled; RDONLY_PROG marks them too.
        this.readOnly = section.equals(".rodata")
                || section.startsWith(".rodata.")
                || section.equals(".kconfig")
                || (map.flags() & MapFlags.RDONLY_PROG) != 0;
        this.arena = newArena();
        MemorySegment m = null;
        if ((map.flags() & MapFlags.MMAPABLE) != 0) {
            long len = (map.valueSize() + Mmap.pageSize() - 1) & -Mmap.pageSize();
            try (Fd fd = Fd.dupOf(map.fd(), "section " + section)) {
                // The mapping is the arena's: closing it unmaps the pages and kills every view of them.
                m = Mmap.map(fd, len, readOnly ? Mmap.PROT_READ : Mmap.PROT_READ | Mmap.PROT_WRITE, 0, arena)
                        .asSlice(0, map.valueSize());
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
        }
        this.mapped = m;
    }

    /**
     * The section {@code section} of a loaded object, owned by the object too (closing the object
     * closes this handle).
     *
     * @throws NoSuchElementException when the object has no such section
     * @throws IllegalStateException when the section's map has no BTF (compiled without -g)
     */
    public static DataSection open(BpfObject object, String section) {
        BpfMap map = object.findMap(section)
                .orElseThrow(() -> new NoSuchElementException("object \"" + object.name() + "\" has no data section "
                        + section + "; its maps are " + object.maps().keySet()));
        DataSection d = open(map, section);
        try {
            return object.own(d);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** The section held by {@code map} (a global-data ARRAY map of one element whose value type is a DATASEC). */
    public static DataSection open(BpfMap map, String section) {
        MapKinds.require(map, "DataSection", MapType.ARRAY);
        if (map.maxEntries() != 1 || map.keySize() != 4) {
            throw new IllegalArgumentException(map.what() + " is not a data section's map (one element, 4-byte key)");
        }
        return new DataSection(map, section, MapBtf.requireValue(map, MapBtf.of(map)));
    }

    /** The section's name. */
    public String section() {
        return section;
    }

    /** The variables' names, in section order. */
    public List<String> symbols() {
        return List.copyOf(vars.keySet());
    }

    /** Whether the section is frozen ({@code .rodata}, {@code .kconfig}). */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** Whether reads and writes go through mapped memory (the map is mmap-able). */
    public boolean isMapped() {
        return mapped != null;
    }

    /**
     * The whole section as a value: every variable by name.
     */
    public StructValue read() {
        return (StructValue) codec.decode(snapshot(), 0);
    }

    /**
     * The value of {@code symbol}, decoded from its BTF type.
     *
     * @throws NoSuchElementException naming the section's variables when there is no such one
     */
    public Object read(String symbol) {
        Var v = var(symbol);
        if (mapped != null) {
            return v.codec.decode(mapped, v.offset);
        }
        return v.codec.decode(snapshot(), v.offset);
    }

    /** The BTF type of {@code symbol}, to bind a typed codec to it (e.g. {@code BtfCodecs.of}). */
    public TypeRef type(String symbol) {
        TypeRef t = var(symbol).codec.type();
        // The section's entries are VARs: the variable's type is the one they point to.
        return t.type() instanceof io.bpf4j.btf.Type.Var v ? new TypeRef(t.btf(), v.typeId()) : t;
    }

    /**
     * The value of {@code symbol} decoded by {@code codec} (a typed view, as generated skeletons use).
     *
     * @throws IllegalArgumentException when the codec's size is not the variable's
     */
    public <T> T read(String symbol, io.bpf4j.codec.Codec<T> codec) {
        Var v = sized(symbol, codec);
        return codec.decode(mapped != null ? mapped : snapshot(), v.offset);
    }

    /**
     * Writes {@code value} to {@code symbol} through {@code codec}; encoded first, so a value the
     * codec refuses changes nothing.
     *
     * @throws IllegalStateException for a frozen section ({@code .rodata})
     * @throws IllegalArgumentException when the codec's size is not the variable's
     */
    public <T> void write(String symbol, io.bpf4j.codec.Codec<T> codec, T value) {
        Var v = sized(symbol, codec);
        if (readOnly) {
            throw new IllegalStateException("section " + section + " is frozen after load (programs see its values as"
                    + " constants): set " + symbol + " before load with ObjectSpec.withConstant(name, value)");
        }
        MemorySegment bytes = MemorySegment.ofArray(new byte[codec.size()]);
        codec.encode(value, bytes, 0);
        if (mapped != null) {
            MemorySegment.copy(bytes, 0, mapped, v.offset, codec.size());
        } else {
            MemorySegment copy = snapshot();
            MemorySegment.copy(bytes, 0, copy, v.offset, codec.size());
            map.update(new byte[4], copy.toArray(ValueLayout.JAVA_BYTE), UpdateFlag.ANY);
        }
    }

    private Var sized(String symbol, io.bpf4j.codec.Codec<?> codec) {
        Var v = var(symbol);
        if (codec.size() != v.codec.size()) {
            throw new IllegalArgumentException("section " + section + " variable " + symbol + " is " + v.codec.size()
                    + " bytes, the codec " + codec.size());
        }
        return v;
    }

    /** The value of {@code symbol}, or empty when the section has no such variable. */
    public Optional<Object> find(String symbol) {
        return vars.containsKey(symbol) ? Optional.of(read(symbol)) : Optional.empty();
    }

    /** Writes {@code value} (a scalar, or a {@code Map} of the members to change) to {@code symbol}. */
    public void patch(String symbol, Object value) {
        patch(Map.of(symbol, value));
    }

    /**
     * Writes several variables, each a value or a {@code Map} of the members to change (others keep
     * their bytes). Atomic per call in the sense that everything is checked before any byte is
     * written: an unknown name or a value that does not fit changes nothing. The variables named
     * are then written whole, each as read a moment before with the given leaves changed.
     *
     * @throws IllegalStateException for a frozen section ({@code .rodata}): set constants before
     *         load with {@code ObjectSpec.withConstant(name, value)}
     */
    public void patch(Map<String, ?> values) {
        if (readOnly) {
            throw new IllegalStateException("section " + section + " is frozen after load (programs see its values as"
                    + " constants): set " + values.keySet() + " before load with ObjectSpec.withConstant(name, value)");
        }
        for (String name : values.keySet()) {
            var(name);
        }
        MemorySegment copy = snapshot();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Var v = vars.get(e.getKey());
            v.codec.patch(e.getValue(), copy, v.offset);
        }
        if (mapped != null) {
            for (String name : values.keySet()) {
                Var v = vars.get(name);
                MemorySegment.copy(copy, v.offset, mapped, v.offset, v.codec.size());
            }
        } else {
            map.update(new byte[4], copy.toArray(ValueLayout.JAVA_BYTE), UpdateFlag.ANY);
        }
    }

    /** The section's bytes now, in a heap copy. */
    private MemorySegment snapshot() {
        if (mapped != null) {
            byte[] b = new byte[(int) mapped.byteSize()];
            MemorySegment.copy(mapped, ValueLayout.JAVA_BYTE, 0, b, 0, b.length);
            return MemorySegment.ofArray(b);
        }
        return MemorySegment.ofArray(
                map.lookup(new byte[4]).orElseThrow(() -> new BpfException(map.what() + " has no element 0")));
    }

    private Var var(String symbol) {
        Var v = vars.get(symbol);
        if (v == null) {
            throw new NoSuchElementException(
                    "section " + section + " has no variable \"" + symbol + "\"; it has " + vars.keySet());
        }
        return v;
    }

    /** Unmaps the section's memory (a read after throws {@link IllegalStateException}). Idempotent. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close(); // unmaps; an access racing with it throws instead of reading unmapped pages
        }
    }

    @Override
    public String toString() {
        return "DataSection[" + section + " " + vars.keySet() + "]";
    }

    // The arena lives as long as this section and is closed by close(): owned, not leaked.
    @SuppressWarnings("MustBeClosedChecker")
    private static Arena newArena() {
        return Arena.ofShared();
    }
}
