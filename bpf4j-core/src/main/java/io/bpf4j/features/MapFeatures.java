package io.bpf4j.features;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.Errno;
import io.bpf4j.MapFlags;
import io.bpf4j.MapType;
import io.bpf4j.internal.sys.Attr;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.MapCreate;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the running kernel has a map type, probed once per type by creating the smallest map
 * of that type (as libbpf's {@code libbpf_probe_bpf_map_type} does) and cached for the life of
 * the JVM. The probe talks to the kernel directly, so it never recurses into {@code BpfMap}.
 *
 * <pre>{@code
 * if (MapFeatures.supports(MapType.RINGBUF)) { ... }
 * }</pre>
 */
public final class MapFeatures {
    private static final Map<MapType, Integer> CACHE = new ConcurrentHashMap<>();

    private MapFeatures() {}

    /** True when a map of this type can be created on this kernel. */
    public static boolean supports(MapType type) {
        return probeErrno(type) == 0;
    }

    /**
     * The errno the kernel gave when the probe created a map of this type, or 0 when it worked:
     * the reason to show when a type is missing.
     */
    public static int probeErrno(MapType type) {
        return CACHE.computeIfAbsent(type, MapFeatures::probe);
    }

    private static int probe(MapType type) {
        int key = 4;
        int value = 4;
        int max = 1;
        int flags = 0;
        switch (type) {
            case STACK_TRACE -> value = 8;
            case LPM_TRIE -> {
                key = 8;
                value = 8;
                flags = MapFlags.NO_PREALLOC;
            }
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> {
                key = 16;
                value = 8;
                max = 0;
            }
            case QUEUE, STACK -> key = 0;
            case BLOOM_FILTER -> key = 0;
            case INSN_ARRAY -> value = 16; // struct bpf_insn_array_value, as libbpf's probe (7.3 has it)
            case RINGBUF, USER_RINGBUF -> {
                key = 0;
                value = 0;
                max = 4096;
            }
            case ARENA -> {
                key = 0;
                value = 0;
                flags = MapFlags.MMAPABLE;
            }
            case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE -> {
                return LocalStorageProbe.probe(type);
            }
            case STRUCT_OPS -> {
                return probeStructOps();
            }
            default -> {}
        }
        int innerFd = -1;
        try (Arena arena = Arena.ofConfined()) {
            if (type.isMapInMap()) {
                long inner = create(arena, MapType.ARRAY.value(), 4, 4, 1, 0, -1);
                if (inner < 0) {
                    return (int) -inner;
                }
                innerFd = (int) inner;
            }
            long r = create(arena, type.value(), key, value, max, flags, innerFd);
            if (r < 0) {
                return (int) -r;
            }
            new Fd((int) r, "probe map").close();
            return 0;
        } finally {
            if (innerFd >= 0) {
                new Fd(innerFd, "probe inner map").close();
            }
        }
    }

    /**
     * As libbpf does: ask for a struct_ops map of kernel BTF type 1 (never a struct_ops value
     * type). A kernel with struct_ops maps answers ENOTSUPP for the type; one without, EINVAL.
     */
    private static int probeStructOps() {
        long r = MapCreate.of(MapType.STRUCT_OPS.value(), 4, 4, 1)
                .withVmlinuxValueTypeId(1)
                .call();
        if (r >= 0) {
            new Fd((int) r, "probe map").close();
            return 0;
        }
        return r == -Errno.ENOTSUPP.number() ? 0 : (int) -r;
    }

    static long create(Arena arena, int type, int key, int value, int max, int flags, int innerFd) {
        return MapCreate.of(type, key, value, max)
                .withFlags(flags)
                .withInnerMapFd(Math.max(innerFd, 0))
                .call();
    }

    private static volatile int batchErrno = -1;

    /**
     * True when this kernel has the batch map commands (BPF_MAP_*_BATCH, Linux 5.6): probed once
     * with a batch lookup on an empty hash map, which answers ENOENT where the commands exist and
     * EINVAL (an unknown command) where they do not.
     */
    public static boolean supportsBatch() {
        return batchProbeErrno() == 0;
    }

    /** The errno of the batch probe (0 when batch commands exist), for skip and error messages. */
    public static int batchProbeErrno() {
        int e = batchErrno;
        if (e < 0) {
            e = probeBatch();
            batchErrno = e;
        }
        return e;
    }

    private static int probeBatch() {
        try (Arena arena = Arena.ofConfined()) {
            long map = create(arena, MapType.HASH.value(), 4, 4, 1, 0, -1);
            if (map < 0) {
                return (int) -map;
            }
            try {
                MemorySegment keys = arena.allocate(4, 8);
                MemorySegment values = arena.allocate(4, 8);
                MemorySegment token = arena.allocate(8, 8);
                MemorySegment attr = arena.allocate(Attr.Batch.SIZE, 8);
                attr.set(JAVA_LONG, Attr.Batch.OUT_BATCH, token.address());
                attr.set(JAVA_LONG, Attr.Batch.KEYS, keys.address());
                attr.set(JAVA_LONG, Attr.Batch.VALUES, values.address());
                attr.set(JAVA_INT, Attr.Batch.COUNT, 1);
                attr.set(JAVA_INT, Attr.Batch.MAP_FD, (int) map);
                long r = Bpf.call(BpfCmd.MAP_LOOKUP_BATCH, attr, Attr.Batch.SIZE);
                return r >= 0 || r == -Errno.ENOENT.number() ? 0 : (int) -r;
            } finally {
                new Fd((int) map, "probe map").close();
            }
        }
    }

    /** The errno name of a probe result, for skip and error messages. */
    public static String reason(MapType type) {
        int e = probeErrno(type);
        return e == 0 ? "supported" : "map type " + type + ": BPF_MAP_CREATE gave " + Errno.nameOf(e);
    }
}
