package io.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Cpus;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.InfoLayouts;
import io.bpf4j.internal.sys.MapBatch;
import io.bpf4j.internal.sys.MapCreate;
import io.bpf4j.internal.sys.MapElems;
import io.bpf4j.internal.sys.MapProbes;
import io.bpf4j.internal.sys.Scratch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A live BPF map: owns its file descriptor until {@link #close()}. The raw layer works on
 * {@link MemorySegment}s (native segments go to the kernel as they are: no copy, no allocation)
 * and on {@code byte[]}.
 *
 * <pre>{@code
 * try (BpfMap map = BpfMap.create(MapSpec.builder(MapType.HASH)
 *         .name("counts").keySize(4).valueSize(8).maxEntries(1024).build())) {
 *     map.update(new byte[] {1, 0, 0, 0}, new byte[8], UpdateFlag.ANY);
 *     Optional<byte[]> v = map.lookup(new byte[] {1, 0, 0, 0});
 * }
 * }</pre>
 *
 * <p>Per-CPU maps hold one value per possible CPU, each rounded up to 8 bytes: the raw value
 * buffer is {@link #valueBufferSize()} bytes.
 *
 * <p>Keys and values must have exactly the map's sizes: a key of 8 bytes on a map of 4-byte keys
 * is an {@link IllegalArgumentException} naming the map and both sizes, never a lookup of its
 * first 4 bytes. (Batch buffers may be larger than {@code count} elements need.)
 */
public final class BpfMap implements AutoCloseable {
    private final Fd fd;
    private final String name;
    private final MapType type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final int flags;
    private final int valueBufferSize;
    private final String what;
    // From the spec the map was created from (an object's BTF); empty for maps opened by fd, id or pin.
    private java.util.Optional<io.bpf4j.btf.TypeRef> keyType = java.util.Optional.empty();
    private java.util.Optional<io.bpf4j.btf.TypeRef> valueType = java.util.Optional.empty();
    /** Element calls on these types are short and never sleep: they may use the critical gate. */
    private final boolean criticalElemCalls;

    private BpfMap(Fd fd, String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
        this.fd = fd;
        this.name = name;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.flags = flags;
        this.valueBufferSize = type.isPerCpu() ? ((valueSize + 7) & ~7) * Cpus.possibleCount() : valueSize;
        this.what = "map \"" + name + "\"";
        this.criticalElemCalls = switch (type) {
            case HASH,
                    ARRAY,
                    PERCPU_HASH,
                    PERCPU_ARRAY,
                    LRU_HASH,
                    LRU_PERCPU_HASH,
                    LPM_TRIE,
                    QUEUE,
                    STACK,
                    BLOOM_FILTER -> true;
            default -> false;
        };
    }

    /**
     * Creates a map in the kernel.
     *
     * @throws NotSupportedException when this kernel lacks the map type
     * @throws PermissionException without CAP_BPF
     * @throws BpfException for every other refusal, with the errno
     */
    public static BpfMap create(MapSpec spec) {
        return create(spec, java.util.OptionalInt.empty());
    }

    /**
     * Creates a map whose key and value are described by BTF: {@code btf} holds
     * {@link MapSpec#btfKeyTypeId()} and {@link MapSpec#btfValueTypeId()} (load it with
     * {@link io.bpf4j.btf.BtfHandle#load}). Local-storage maps (sk, inode, task, cgroup storage) and
     * values with spin locks or timers need this. The handle stays the caller's; the map keeps its
     * own reference to the BTF.
     */
    public static BpfMap create(MapSpec spec, io.bpf4j.btf.BtfHandle btf) {
        return create(spec, java.util.OptionalInt.of(btf.fd()));
    }

    /**
     * Creates a map whose key and value are described by BTF: {@code btfFd} is a loaded BTF object
     * (BPF_BTF_LOAD) holding {@link MapSpec#btfKeyTypeId()} and {@link MapSpec#btfValueTypeId()}.
     * Local-storage maps (sk, inode, task, cgroup storage) and values with spin locks or timers
     * need this. The fd stays the caller's.
     */
    static BpfMap create(MapSpec spec, java.util.OptionalInt btfFd) {
        io.bpf4j.internal.sys.Memlock.ensureRaised(); // kernels before 5.11 charge maps to RLIMIT_MEMLOCK
        if (spec.btfVmlinuxValueTypeId() != 0 && btfFd.isEmpty()) {
            // The kernel reads btf_fd whenever btf_vmlinux_value_type_id is set, though the value
            // type lives in vmlinux BTF, and answers a bare EINVAL without one. (Key/value ids
            // without a fd are simply not sent: the object loader's plain retry relies on that.)
            throw new IllegalArgumentException("map \"" + spec.name() + "\" (" + spec.type()
                    + ") names vmlinux value type " + spec.btfVmlinuxValueTypeId()
                    + " but no BTF was given: use create(spec, BtfHandle) with the object's BTF");
        }
        checkSpec(spec);
        BpfMap inner = null;
        try {
            if (spec.type().isMapInMap()) {
                MapSpec innerSpec = spec.innerMap()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "map \"" + spec.name() + "\" of type " + spec.type() + " needs an inner map spec"));
                inner = create(
                        innerSpec.toBuilder().name(spec.name() + ".inner").build());
            }
            int flags = spec.flags() | (spec.numaNode().isPresent() ? MapFlags.NUMA_NODE : 0);
            MapCreate args = MapCreate.of(spec.type().value(), spec.keySize(), spec.valueSize(), spec.maxEntries())
                    .withFlags(flags)
                    .withNumaNode(spec.numaNode().orElse(0))
                    .withMapExtra(spec.mapExtra())
                    .withVmlinuxValueTypeId(spec.btfVmlinuxValueTypeId())
                    .withName(spec.name());
            if (inner != null) {
                args = args.withInnerMapFd(inner.fd.raw());
            }
            if (btfFd.isPresent()) {
                args = args.withBtf(btfFd.getAsInt(), spec.btfKeyTypeId(), spec.btfValueTypeId());
            }
            long r = args.call();
            String what = "map \"" + spec.name() + "\" (" + spec.type() + ", key " + spec.keySize() + " B, value "
                    + spec.valueSize() + " B, max_entries " + spec.maxEntries() + ")";
            if (r < 0) {
                throw createError(spec, r, what);
            }
            BpfMap made = new BpfMap(
                    new Fd((int) r, "map \"" + spec.name() + "\""),
                    spec.name(),
                    spec.type(),
                    spec.keySize(),
                    spec.valueSize(),
                    spec.maxEntries(),
                    flags);
            made.keyType = spec.keyType();
            made.valueType = spec.valueType();
            return made;
        } finally {
            if (inner != null) {
                inner.close();
            }
        }
    }

    /** Every map flag this version of bpf4j knows (BPF_F_NO_PREALLOC .. BPF_F_NO_USER_CONV). */
    private static final int KNOWN_FLAGS = (MapFlags.NO_USER_CONV << 1) - 1;

    /**
     * What the kernel would answer with a bare EINVAL, checked here so that the message can say
     * which field is wrong: the name, sizes the type requires, unknown flags, a ring buffer's size.
     */
    static void checkSpec(MapSpec spec) {
        String what = "map \"" + spec.name() + "\" (" + spec.type() + ")";
        String name = spec.name();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 128 && Character.isLetterOrDigit(c) || c == '_' || c == '.')) {
                throw new IllegalArgumentException(what + ": the name holds '" + c + "' at " + i
                        + "; the kernel takes only letters, digits, '_' and '.' in map names");
            }
        }
        int unknown = spec.flags() & ~KNOWN_FLAGS;
        if (unknown != 0) {
            throw new IllegalArgumentException(what + ": flags 0x" + Integer.toHexString(spec.flags())
                    + " hold bits unknown to the kernel's BPF_F_* map flags: 0x" + Integer.toHexString(unknown));
        }
        switch (spec.type()) {
            case RINGBUF, USER_RINGBUF -> {
                requireZero(what, "key size", spec.keySize());
                requireZero(what, "value size", spec.valueSize());
                long page = io.bpf4j.internal.sys.Mmap.pageSize();
                int size = spec.maxEntries();
                if (size <= 0 || Integer.bitCount(size) != 1 || size % page != 0) {
                    long fit = page;
                    while (fit < size) {
                        fit <<= 1;
                    }
                    throw new IllegalArgumentException(what + ": max_entries " + size + " is the ring's size in bytes"
                            + " and must be a power of 2 and a multiple of the page size (" + page + "), e.g. " + fit);
                }
            }
            case QUEUE, STACK, BLOOM_FILTER -> {
                requireZero(what, "key size", spec.keySize());
                requirePositive(what, "value size", spec.valueSize());
                requirePositive(what, "max_entries", spec.maxEntries());
            }
            case ARRAY, PERCPU_ARRAY -> {
                if (spec.keySize() != 4) {
                    throw new IllegalArgumentException(
                            what + ": key size " + spec.keySize() + ", array keys are 4-byte indexes");
                }
                requirePositive(what, "value size", spec.valueSize());
                requirePositive(what, "max_entries", spec.maxEntries());
            }
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE -> {
                requirePositive(what, "key size", spec.keySize());
                requirePositive(what, "value size", spec.valueSize());
                requirePositive(what, "max_entries", spec.maxEntries());
            }
            default -> {
                // the kernel's own checks, in its words
            }
        }
    }

    private static void requireZero(String what, String field, int v) {
        if (v != 0) {
            throw new IllegalArgumentException(what + ": " + field + " " + v + ", this type takes 0");
        }
    }

    private static void requirePositive(String what, String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + ": " + field + " " + v + ", this type needs more than 0");
        }
    }

    private static BpfException createError(MapSpec spec, long r, String what) {
        int errno = (int) -r;
        if ((errno == Errno.EINVAL.number() || errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOTSUPP.number())
                && !MapProbes.supports(spec.type())) {
            return new NotSupportedException(
                    "map type " + spec.type(), spec.type().since(), errno, BpfCmd.MAP_CREATE.kernelName(), what);
        }
        return Bpf.error("cannot create " + what, r, BpfCmd.MAP_CREATE, what);
    }

    /** Opens the map behind {@code fd} with a duplicate of it; the caller keeps (and closes) its own fd. */
    public static BpfMap fromFd(int fd) {
        return fromOwnedFd(Fd.dupOf(fd, "map fd " + fd));
    }

    /** Takes ownership of {@code fd}, a map fd the caller will not close. */
    public static BpfMap adoptFd(int fd) {
        return fromOwnedFd(new Fd(fd, "map fd " + fd));
    }

    /** Opens the map with this kernel id. */
    public static BpfMap fromId(int id) {
        return fromOwnedFd(Bpf.fdById(BpfCmd.MAP_GET_FD_BY_ID, id, "map id " + id));
    }

    /**
     * Opens the map pinned at {@code path} (on a bpffs). A symbolic link there is refused, not
     * followed, and so is a file that is not a pin; the exception says which.
     */
    public static BpfMap fromPin(Path path) {
        return fromOwnedFd(Bpf.getPinned(path, "map pinned at " + path));
    }

    private static BpfMap fromOwnedFd(Fd fd) {
        try {
            return opened(fd, readInfo(fd));
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** A map over an fd whose info the caller has read already (KernelObjects lists them). */
    static BpfMap opened(Fd fd, MapInfo info) {
        MapType type = info.type()
                .orElseThrow(
                        () -> new BpfException(fd.what() + " has map type " + info.rawType() + ", unknown to bpf4j"));
        return new BpfMap(fd, info.name(), type, info.keySize(), info.valueSize(), info.maxEntries(), info.flags());
    }

    static MapInfo readInfo(Fd fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(MapInfoLayout.SIZE, 8);
            Bpf.infoByFd(fd, info);
            return MapInfoLayout.read(info);
        }
    }

    /** The kernel's view of this map. */
    public MapInfo info() {
        return readInfo(fd);
    }

    /**
     * The key's BTF type, for a map created from a spec with BTF (every map of an object built
     * with {@code -g}); empty for maps opened by fd, id or pin.
     */
    public java.util.Optional<io.bpf4j.btf.TypeRef> keyType() {
        return keyType;
    }

    /** The value's BTF type, as {@link #keyType()}; a global data map's is its section's DATASEC. */
    public java.util.Optional<io.bpf4j.btf.TypeRef> valueType() {
        return valueType;
    }

    /**
     * The map's name as given at creation (or as the kernel kept it, for opened maps). The kernel
     * keeps the first 15 characters ({@link #info()}{@code .name()}), as libbpf's maps do; names
     * with characters the kernel refuses are refused at {@link #create}.
     */
    public String name() {
        return name;
    }

    public MapType type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    /** The value size of one element (one CPU's slot for per-CPU maps). */
    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public int flags() {
        return flags;
    }

    /** Bytes of a whole raw value: {@link #valueSize()}, or 8-rounded slots × possible CPUs. */
    public int valueBufferSize() {
        return valueBufferSize;
    }

    /** The map's file descriptor number, valid until {@link #close()}; do not close it yourself. */
    public int fd() {
        return fd.raw();
    }

    /** The owned descriptor, for bpf4j's own packages. */
    Fd ownedFd() {
        return fd;
    }

    /** Pins the map at {@code path} on a bpffs; the pin outlives this object. */
    public void pin(Path path) {
        Bpf.pin(fd, path);
    }

    /** Removes a pin made by {@link #pin} (any pinned path: it is a file on bpffs). */
    public static void unpin(Path path) {
        try {
            java.nio.file.Files.delete(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BpfException("cannot unpin " + path + ": nothing is pinned there (no such file)", e);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            throw new BpfException("cannot unpin " + path + ": it is a directory with pins in it, not a pin", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new BpfException(
                    "cannot unpin " + path + ": this process may not remove files in "
                            + path.toAbsolutePath().getParent() + " (permission denied)",
                    e);
        } catch (java.io.IOException e) {
            throw new BpfException("cannot unpin " + path + ": " + e, e);
        }
    }

    // ---- raw element operations ----------------------------------------------------------

    /**
     * Looks {@code key} up into {@code value}.
     *
     * @return false when the key is not in the map ({@code value} is then untouched)
     */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        return readElem(BpfCmd.MAP_LOOKUP_ELEM, key, value, 0);
    }

    /**
     * {@link #lookup(MemorySegment, MemorySegment)} under the value's {@code bpf_spin_lock}
     * (BPF_F_LOCK): the copy is consistent with programs that update the value under that lock.
     * The map's value must hold a spin lock described by BTF, else the kernel answers EINVAL.
     */
    public boolean lookupLocked(MemorySegment key, MemorySegment value) {
        return readElem(BpfCmd.MAP_LOOKUP_ELEM, key, value, UpdateFlag.LOCK.value());
    }

    /** Lookup or lookup-and-delete of {@code key} into {@code value}; false on ENOENT. */
    private boolean readElem(BpfCmd cmd, MemorySegment key, MemorySegment value, long flags) {
        checkKey(key);
        checkValue(value);
        int raw = fd.acquire();
        try {
            Scratch s = Scratch.get();
            MemorySegment v = value.isNative() ? value : s.value(valueBufferSize);
            long k = nativeKey(s, key);
            long r = cmd == BpfCmd.MAP_LOOKUP_ELEM
                    ? MapElems.lookup(raw, k, v.address(), flags, criticalElemCalls)
                    : MapElems.lookupAndDelete(raw, k, v.address(), flags);
            if (r == -Errno.ENOENT.number()) {
                return false;
            }
            if (r < 0) {
                throw cmd == BpfCmd.MAP_LOOKUP_ELEM
                        ? Bpf.error("lookup failed", r, cmd, what)
                        : Bpf.errorOrUnsupported(
                                "lookup-and-delete failed",
                                r,
                                cmd,
                                what,
                                "lookup-and-delete on " + type + " maps",
                                "5.14");
            }
            if (v != value) {
                MemorySegment.copy(v, 0, value, 0, valueBufferSize);
            }
            return true;
        } finally {
            fd.release();
        }
    }

    /** Looks {@code key} up; the value's bytes, or empty when the key is not in the map. */
    public Optional<byte[]> lookup(byte[] key) {
        byte[] value = new byte[valueBufferSize];
        return lookup(MemorySegment.ofArray(key), MemorySegment.ofArray(value)) ? Optional.of(value) : Optional.empty();
    }

    /**
     * Writes {@code value} under {@code key}.
     *
     * @throws KeyExistsException with {@link UpdateFlag#NOEXIST} when the key is there
     * @throws KeyNotFoundException with {@link UpdateFlag#EXIST} when it is not
     * @throws MapFullException when a hash map is at max_entries
     */
    public void update(MemorySegment key, MemorySegment value, UpdateFlag flag) {
        checkKey(key);
        checkValue(value);
        int raw = fd.acquire();
        try {
            Scratch s = Scratch.get();
            long r = MapElems.update(raw, nativeKey(s, key), nativeValue(s, value), flag.value(), criticalElemCalls);
            if (r < 0) {
                throw updateError(r, flag);
            }
        } finally {
            fd.release();
        }
    }

    /** {@link #update(MemorySegment, MemorySegment, UpdateFlag)} for arrays. */
    public void update(byte[] key, byte[] value, UpdateFlag flag) {
        update(MemorySegment.ofArray(key), MemorySegment.ofArray(value), flag);
    }

    private BpfException updateError(long r, UpdateFlag flag) {
        int errno = (int) -r;
        String cmd = BpfCmd.MAP_UPDATE_ELEM.kernelName();
        if (errno == Errno.EEXIST.number()) {
            return new KeyExistsException("key already in " + what + " (update with NOEXIST)", errno, cmd, what);
        }
        if (errno == Errno.ENOENT.number()) {
            return new KeyNotFoundException("key not in " + what + " (update with " + flag + ")", errno, cmd, what);
        }
        if (errno == Errno.E2BIG.number() && isArray()) {
            return new BpfException(
                    "update failed: the index is outside 0.." + (maxEntries - 1) + " of " + what
                            + " (arrays have max_entries slots and never fill up)",
                    errno,
                    cmd,
                    what);
        }
        if (errno == Errno.E2BIG.number() || errno == Errno.ENOSPC.number()) {
            return new MapFullException(what + " is full (max_entries " + maxEntries + ")", errno, cmd, what);
        }
        return writeError("update failed", r, BpfCmd.MAP_UPDATE_ELEM);
    }

    /** Arrays of every kind: E2BIG from them means an index past the end, not a full map. */
    private boolean isArray() {
        return switch (type) {
            case ARRAY,
                    PERCPU_ARRAY,
                    PROG_ARRAY,
                    PERF_EVENT_ARRAY,
                    CGROUP_ARRAY,
                    ARRAY_OF_MAPS,
                    DEVMAP,
                    CPUMAP,
                    XSKMAP,
                    REUSEPORT_SOCKARRAY,
                    SOCKMAP -> true;
            default -> false;
        };
    }

    /** EPERM from a write: say why when the map is frozen or read-only for user space. */
    private BpfException writeError(String message, long r, BpfCmd cmd) {
        int errno = (int) -r;
        if (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) {
            if ((flags & MapFlags.RDONLY) != 0) {
                return new PermissionException(
                        message, what + " is read-only for user space (BPF_F_RDONLY)", errno, cmd.kernelName(), what);
            }
            if (isFrozen()) {
                return new PermissionException(
                        message,
                        what + " is frozen (BPF_MAP_FREEZE): user space can no longer" + " write it",
                        errno,
                        cmd.kernelName(),
                        what);
            }
        }
        return Bpf.error(message, r, cmd, what);
    }

    /** Whether the kernel lists this map as frozen ({@code /proc/self/fdinfo}, Linux 5.2+). */
    private boolean isFrozen() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd.raw()))) {
                if (line.startsWith("frozen:")) {
                    return line.substring(7).strip().equals("1");
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unknown: the generic message
        }
        return false;
    }

    /**
     * Deletes {@code key}.
     *
     * @return false when the key was not in the map
     */
    public boolean delete(MemorySegment key) {
        checkKey(key);
        int raw = fd.acquire();
        try {
            long r = MapElems.delete(raw, nativeKey(Scratch.get(), key));
            if (r == -Errno.ENOENT.number()) {
                return false;
            }
            if (r < 0) {
                throw writeError("delete failed", r, BpfCmd.MAP_DELETE_ELEM);
            }
            return true;
        } finally {
            fd.release();
        }
    }

    /** {@link #delete(MemorySegment)} for an array key. */
    public boolean delete(byte[] key) {
        return delete(MemorySegment.ofArray(key));
    }

    /**
     * The key after {@code key} in the map's iteration order into {@code next}; the first key when
     * {@code key} is empty or no longer in the map (as the kernel does for hash maps).
     *
     * @return false at the end of the map
     */
    public boolean nextKey(Optional<MemorySegment> key, MemorySegment next) {
        key.ifPresent(this::checkKey);
        checkKey(next);
        int raw = fd.acquire();
        try {
            Scratch s = Scratch.get();
            MemorySegment n = next.isNative() ? next : s.value(keySize);
            long r = MapElems.nextKey(raw, key.isPresent() ? nativeKey(s, key.get()) : 0L, n.address());
            if (r == -Errno.ENOENT.number()) {
                return false;
            }
            if (r < 0) {
                throw Bpf.error("get next key failed", r, BpfCmd.MAP_GET_NEXT_KEY, what);
            }
            if (n != next) {
                MemorySegment.copy(n, 0, next, 0, keySize);
            }
            return true;
        } finally {
            fd.release();
        }
    }

    /**
     * Looks {@code key} up into {@code value} and deletes it, atomically (hash maps, queues,
     * stacks).
     *
     * @return false when the key was not in the map (or the queue/stack was empty)
     */
    public boolean lookupAndDelete(MemorySegment key, MemorySegment value) {
        return readElem(BpfCmd.MAP_LOOKUP_AND_DELETE_ELEM, key, value, 0);
    }

    /** {@link #lookupAndDelete(MemorySegment, MemorySegment)} for arrays; empty when the key was missing. */
    public Optional<byte[]> lookupAndDelete(byte[] key) {
        byte[] value = new byte[valueBufferSize];
        return lookupAndDelete(MemorySegment.ofArray(key), MemorySegment.ofArray(value))
                ? Optional.of(value)
                : Optional.empty();
    }

    /**
     * Makes the map read-only for user space from now on (BPF_MAP_FREEZE); programs can still
     * write it unless it was created with {@link MapFlags#RDONLY_PROG}.
     */
    public void freeze() {
        int raw = fd.acquire();
        try {
            long r = MapElems.freeze(raw);
            if (r < 0) {
                throw Bpf.error("cannot freeze " + what, r, BpfCmd.MAP_FREEZE, what);
            }
        } finally {
            fd.release();
        }
    }

    // ---- queue, stack, bloom filter ----------------------------------------------------------

    /**
     * Pushes a value onto a queue or stack, or inserts it into a bloom filter.
     *
     * @param overwriteOldest for queue/stack: when full, drop the oldest value (BPF_EXIST) instead
     *        of failing with {@link MapFullException}
     */
    public void push(MemorySegment value, boolean overwriteOldest) {
        requireKeyless("push");
        update(MemorySegment.NULL, value, overwriteOldest ? UpdateFlag.EXIST : UpdateFlag.ANY);
    }

    /** {@link #push(MemorySegment, boolean)} for an array, failing when full. */
    public void push(byte[] value) {
        push(MemorySegment.ofArray(value), false);
    }

    /** Removes and returns the head of a queue (oldest) or stack (newest); empty when it is empty. */
    public Optional<byte[]> pop() {
        requireKeyless("pop");
        return lookupAndDelete(new byte[0]);
    }

    /** Pops into {@code value}; false when the queue/stack is empty. */
    public boolean pop(MemorySegment value) {
        requireKeyless("pop");
        return lookupAndDelete(MemorySegment.NULL, value);
    }

    /** Returns the head of a queue or stack without removing it; empty when it is empty. */
    public Optional<byte[]> peek() {
        requireKeyless("peek");
        return lookup(new byte[0]);
    }

    /**
     * Whether a bloom filter may contain {@code value}: false means certainly not, true means
     * probably (the filter's false-positive rate).
     */
    public boolean mayContain(byte[] value) {
        if (type != MapType.BLOOM_FILTER) {
            throw new IllegalStateException(what + " is a " + type + " map, not a BLOOM_FILTER");
        }
        if (value.length != valueSize) {
            throw new IllegalArgumentException(what + ": value of " + value.length
                    + " bytes given, the filter's values are " + valueSize + " bytes");
        }
        // The value is the lookup's input here, so it must reach the kernel as it is.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Math.max(1, valueSize), 8);
            MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, valueSize);
            return lookup(MemorySegment.NULL, v);
        }
    }

    private void requireKeyless(String op) {
        if (type != MapType.QUEUE && type != MapType.STACK && type != MapType.BLOOM_FILTER) {
            throw new IllegalStateException(op + " needs a QUEUE, STACK or BLOOM_FILTER map; " + what + " is " + type);
        }
    }

    // ---- map-in-map and program arrays --------------------------------------------------------

    /** Stores an inner map at {@code key} of an ARRAY_OF_MAPS / HASH_OF_MAPS map. */
    public void setInner(byte[] key, BpfMap inner) {
        if (!type.isMapInMap()) {
            throw new IllegalStateException(what + " is " + type + ", not a map-in-map");
        }
        putFd(key, inner.fd);
    }

    /** The kernel id of the inner map at {@code key}, if any (a lookup returns ids, not fds). */
    public java.util.OptionalInt innerMapId(byte[] key) {
        if (!type.isMapInMap()) {
            throw new IllegalStateException(what + " is " + type + ", not a map-in-map");
        }
        return lookup(key)
                .map(b -> java.util.OptionalInt.of(java.nio.ByteBuffer.wrap(b)
                        .order(java.nio.ByteOrder.nativeOrder())
                        .getInt()))
                .orElse(java.util.OptionalInt.empty());
    }

    /** Stores a program at {@code index} of a PROG_ARRAY, for tail calls. */
    public void setProgram(int index, Program program) {
        if (type != MapType.PROG_ARRAY) {
            throw new IllegalStateException(what + " is " + type + ", not a PROG_ARRAY");
        }
        checkIndex(index);
        putFd(intKey(index), program.ownedFd());
    }

    private void putFd(byte[] key, Fd other) {
        int raw = other.acquire();
        try {
            byte[] v = intKey(raw);
            update(key, v, UpdateFlag.ANY);
        } finally {
            other.release();
        }
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= maxEntries) {
            throw new IllegalArgumentException(what + ": index " + index + " outside 0.." + (maxEntries - 1));
        }
    }

    static byte[] intKey(int v) {
        return java.nio.ByteBuffer.allocate(4)
                .order(java.nio.ByteOrder.nativeOrder())
                .putInt(v)
                .array();
    }

    // ---- iteration --------------------------------------------------------------------------

    /**
     * The map's keys, walked with BPF_MAP_GET_NEXT_KEY. Safe while entries are deleted: when
     * the current key vanishes, the kernel restarts hash maps from their first key, so keys
     * already seen may come again — as in cilium/ebpf, the walk gives up with a
     * {@link BpfException} ("iteration aborted") once it has returned more than max_entries keys
     * rather than restart forever. Deleting each key as it is returned drains the map safely.
     */
    public Iterable<byte[]> keys() {
        return () -> new MapKeyIterator(this);
    }

    /** Key/value pairs of the map (values as raw bytes, per-CPU values as the whole buffer). */
    public Iterable<java.util.Map.Entry<byte[], byte[]>> entries() {
        return () -> new java.util.Iterator<>() {
            private final java.util.Iterator<byte[]> keys = keys().iterator();
            private java.util.Map.Entry<byte[], byte[]> next = advance();

            private java.util.Map.Entry<byte[], byte[]> advance() {
                while (keys.hasNext()) {
                    byte[] k = keys.next();
                    Optional<byte[]> v = lookup(k);
                    if (v.isPresent()) { // skip keys deleted between get_next_key and lookup
                        return java.util.Map.entry(k, v.get());
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public java.util.Map.Entry<byte[], byte[]> next() {
                if (next == null) {
                    throw new java.util.NoSuchElementException();
                }
                var e = next;
                next = advance();
                return e;
            }
        };
    }

    // ---- batch operations -------------------------------------------------------------------

    /**
     * Reads up to {@code count} entries into {@code keys} ({@code count × keySize} bytes) and
     * {@code values} ({@code count × valueBufferSize} bytes), continuing where {@code cursor} left
     * off. Returns how many were read; {@link BatchCursor#isDone()} tells when the map is
     * exhausted (the kernel's ENOENT with a partial count is that end, not an error). Hash maps
     * return whole buckets: when one bucket holds more than {@code count} entries a
     * {@link BpfException} with ENOSPC says so and the cursor stays put for a retry with more room.
     *
     * <pre>{@code
     * BatchCursor c = new BatchCursor(map);
     * while (!c.isDone()) { int n = map.lookupBatch(c, keys, values, 1000); ... }
     * }</pre>
     */
    public int lookupBatch(BatchCursor cursor, MemorySegment keys, MemorySegment values, int count) {
        return batchRead(BpfCmd.MAP_LOOKUP_BATCH, cursor, keys, values, count);
    }

    /** Like {@link #lookupBatch} but deletes what it read. */
    public int lookupAndDeleteBatch(BatchCursor cursor, MemorySegment keys, MemorySegment values, int count) {
        return batchRead(BpfCmd.MAP_LOOKUP_AND_DELETE_BATCH, cursor, keys, values, count);
    }

    private int batchRead(BpfCmd cmd, BatchCursor cursor, MemorySegment keys, MemorySegment values, int count) {
        checkBatch(keys, values, count);
        if (cursor.map() != this) {
            throw new IllegalArgumentException("the batch cursor belongs to " + cursor.map().what);
        }
        if (cursor.isDone() || count == 0) {
            return 0;
        }
        int raw = fd.acquire();
        try {
            Scratch s = Scratch.get();
            MemorySegment k = keys.isNative() ? keys : s.key((long) count * keySize);
            MemorySegment v = values.isNative() ? values : s.value((long) count * valueBufferSize);
            long token = cursor.token().address();
            long rc = MapBatch.lookup(cmd, raw, cursor.started() ? token : 0L, token, k.address(), v.address(), count);
            long r = MapBatch.result(rc);
            int n = MapBatch.count(rc);
            if (r == -Errno.ENOENT.number()) {
                cursor.finish();
            } else if (r == -Errno.ENOSPC.number() && n == 0) {
                // Hash maps hand out whole buckets: one bucket holds more entries than count.
                // The cursor has not moved, so the caller can retry with bigger buffers.
                throw new BpfException(
                        what + ": a hash bucket holds more than " + count
                                + " entries; retry the batch read with a larger count",
                        Errno.ENOSPC.number(),
                        cmd.kernelName(),
                        what);
            } else if (r < 0) {
                throw Bpf.errorOrUnsupported(
                        "batch read failed",
                        r,
                        cmd,
                        what,
                        "batch operations on " + type + " maps",
                        "5.6",
                        MapProbes::supportsBatch);
            } else {
                cursor.advance();
            }
            if (k != keys && n > 0) {
                MemorySegment.copy(k, 0, keys, 0, (long) n * keySize);
            }
            if (v != values && n > 0) {
                MemorySegment.copy(v, 0, values, 0, (long) n * valueBufferSize);
            }
            return n;
        } finally {
            fd.release();
        }
    }

    /**
     * Writes {@code count} entries in one call; returns how many the kernel wrote.
     *
     * @param flag {@link UpdateFlag#ANY} or {@link UpdateFlag#LOCK}: the kernel's batch update
     *        takes no NOEXIST/EXIST
     */
    public int updateBatch(MemorySegment keys, MemorySegment values, int count, UpdateFlag flag) {
        if (flag == UpdateFlag.NOEXIST || flag == UpdateFlag.EXIST) {
            throw new IllegalArgumentException(what + ": batch updates take ANY or LOCK, not " + flag
                    + " (the kernel refuses other element flags)");
        }
        checkBatch(keys, values, count);
        return batchWrite(BpfCmd.MAP_UPDATE_BATCH, keys, values, count, flag.value());
    }

    /** Deletes {@code count} keys in one call; returns how many were deleted. */
    public int deleteBatch(MemorySegment keys, int count) {
        checkBatch(keys, MemorySegment.NULL, count);
        return batchWrite(BpfCmd.MAP_DELETE_BATCH, keys, MemorySegment.NULL, count, 0);
    }

    private int batchWrite(BpfCmd cmd, MemorySegment keys, MemorySegment values, int count, long elemFlags) {
        if (count == 0) {
            return 0;
        }
        int raw = fd.acquire();
        try {
            Scratch s = Scratch.get();
            MemorySegment k = keys;
            if (!keys.isNative()) {
                k = s.key((long) count * keySize);
                MemorySegment.copy(keys, 0, k, 0, (long) count * keySize);
            }
            MemorySegment v = values;
            if (values != MemorySegment.NULL && !values.isNative()) {
                v = s.value((long) count * valueBufferSize);
                MemorySegment.copy(values, 0, v, 0, (long) count * valueBufferSize);
            }
            long rc = MapBatch.write(cmd, raw, k.address(), v.address(), count, elemFlags);
            long r = MapBatch.result(rc);
            int n = MapBatch.count(rc);
            if (r < 0) {
                int errno = (int) -r;
                if (cmd == BpfCmd.MAP_UPDATE_BATCH
                        && (errno == Errno.E2BIG.number() || errno == Errno.ENOSPC.number())) {
                    throw new MapFullException(
                            what + " is full after " + n + " of " + count + " batch updates",
                            errno,
                            cmd.kernelName(),
                            what);
                }
                if (errno == Errno.ENOENT.number()) {
                    throw new KeyNotFoundException(
                            "key " + n + " of the batch is not in " + what, errno, cmd.kernelName(), what);
                }
                throw Bpf.errorOrUnsupported(
                        "batch write failed after " + n + " of " + count + " elements",
                        r,
                        cmd,
                        what,
                        "batch operations on " + type + " maps",
                        "5.6",
                        MapProbes::supportsBatch);
            }
            return n;
        } finally {
            fd.release();
        }
    }

    private void checkBatch(MemorySegment keys, MemorySegment values, int count) {
        if (count < 0) {
            throw new IllegalArgumentException(what + ": negative batch count " + count);
        }
        if (keys.byteSize() < (long) count * keySize) {
            throw new IllegalArgumentException(what + ": key buffer of " + keys.byteSize() + " bytes holds fewer than "
                    + count + " keys of " + keySize + " bytes");
        }
        if (values != MemorySegment.NULL && values.byteSize() < (long) count * valueBufferSize) {
            throw new IllegalArgumentException(what + ": value buffer of " + values.byteSize()
                    + " bytes holds fewer than " + count + " values of " + valueBufferSize + " bytes");
        }
    }

    /** A view typed from this map's BTF: {@link TypedMap#of(BpfMap)} (per-CPU maps: {@link PerCpuMap#of(BpfMap)}). */
    public TypedMap<Object, Object> typed() {
        return TypedMap.of(this);
    }

    /** A view of Java key and value types checked against this map's BTF: {@link TypedMap#of(BpfMap, Class, Class)}. */
    public <K, V> TypedMap<K, V> as(Class<K> keyType, Class<V> valueType) {
        return TypedMap.of(this, keyType, valueType);
    }

    /** "map \"name\"", for messages of the helpers in this package. */
    String what() {
        return what;
    }

    private long nativeKey(Scratch s, MemorySegment key) {
        if (keySize == 0) {
            return 0L; // queue, stack, bloom filter: the kernel wants no key at all
        }
        if (key.isNative()) {
            return key.address();
        }
        MemorySegment k = s.key(keySize);
        MemorySegment.copy(key, 0, k, 0, keySize);
        return k.address();
    }

    private long nativeValue(Scratch s, MemorySegment value) {
        if (value.isNative()) {
            return value.address();
        }
        MemorySegment v = s.value(valueBufferSize);
        MemorySegment.copy(value, 0, v, 0, valueBufferSize);
        return v.address();
    }

    /** A key must be exactly the map's key size: a longer one would be cut, a shorter one read past. */
    private void checkKey(MemorySegment key) {
        if (key.byteSize() != keySize) {
            throw new IllegalArgumentException(
                    what + ": key of " + key.byteSize() + " bytes given, the map's keys are " + keySize + " bytes");
        }
    }

    /** A value buffer must be exactly {@link #valueBufferSize()} bytes: nothing silently cut or left over. */
    private void checkValue(MemorySegment value) {
        if (value.byteSize() != valueBufferSize) {
            throw new IllegalArgumentException(what + ": value of " + value.byteSize() + " bytes given, the map needs "
                    + valueBufferSize + " bytes"
                    + (type.isPerCpu()
                            ? " (" + Cpus.possibleCount() + " possible CPUs × " + ((valueSize + 7) & ~7) + " B)"
                            : ""));
        }
    }

    /** Closes the map's fd; the kernel frees the map when nothing else holds it. Idempotent. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + " " + type + " key " + keySize + " value " + valueSize + " max " + maxEntries
                + (fd.isClosed() ? " closed" : "") + "]";
    }

    /** bpf_map_info, as far as bpf4j reads it ({@link InfoLayouts.MapInfo}). */
    static final class MapInfoLayout {
        static final int SIZE = InfoLayouts.MapInfo.SIZE;

        static MapInfo read(MemorySegment s) {
            int rawType = s.get(JAVA_INT, InfoLayouts.MapInfo.TYPE);
            byte[] nameBytes = s.asSlice(InfoLayouts.MapInfo.NAME, InfoLayouts.MapInfo.NAME_SIZE)
                    .toArray(JAVA_BYTE);
            int len = 0;
            while (len < nameBytes.length && nameBytes[len] != 0) {
                len++;
            }
            return new MapInfo(
                    MapType.of(rawType),
                    rawType,
                    s.get(JAVA_INT, InfoLayouts.MapInfo.ID),
                    s.get(JAVA_INT, InfoLayouts.MapInfo.KEY_SIZE),
                    s.get(JAVA_INT, InfoLayouts.MapInfo.VALUE_SIZE),
                    s.get(JAVA_INT, InfoLayouts.MapInfo.MAX_ENTRIES),
                    s.get(JAVA_INT, InfoLayouts.MapInfo.MAP_FLAGS),
                    new String(nameBytes, 0, len, StandardCharsets.US_ASCII),
                    s.get(JAVA_INT, InfoLayouts.MapInfo.BTF_ID),
                    s.get(JAVA_INT, InfoLayouts.MapInfo.BTF_KEY_TYPE_ID),
                    s.get(JAVA_INT, InfoLayouts.MapInfo.BTF_VALUE_TYPE_ID),
                    s.get(JAVA_LONG, InfoLayouts.MapInfo.MAP_EXTRA));
        }

        private MapInfoLayout() {}
    }
}
