package io.bpf4j.internal.sys;

import io.bpf4j.Errno;
import io.bpf4j.MapFlags;
import io.bpf4j.MapType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The map feature probes behind {@code io.bpf4j.features.MapFeatures} (and {@code BpfMap}'s
 * "is this EINVAL a missing feature?" questions): whether the running kernel has a map type,
 * probed once per type by creating the smallest map of that type (as libbpf's {@code
 * libbpf_probe_bpf_map_type} does), and whether it has the batch commands; cached for the life of
 * the JVM. The probes talk to the kernel directly, so they never recurse into {@code BpfMap}.
 */
public final class MapProbes {
    private static final Map<MapType, Integer> CACHE = new ConcurrentHashMap<>();

    private MapProbes() {}

    /**
     * Whether a map of {@code type} can be created on this kernel (probed on first use, then
     * cached).
     *
     * @param type the map type to probe
     * @return true when the probe's smallest map of that type was created
     */
    public static boolean supports(MapType type) {
        return probeErrno(type) == 0;
    }

    /**
     * The errno the kernel gave when the probe created a map of this type, or 0 when it worked:
     * the reason to show when a type is missing.
     *
     * @param type the map type to probe
     * @return 0, or the positive errno of the probe's BPF_MAP_CREATE (EINVAL: an unknown type)
     */
    public static int probeErrno(MapType type) {
        return CACHE.computeIfAbsent(type, MapProbes::probe);
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
     *
     * @return true when the batch commands exist
     */
    public static boolean supportsBatch() {
        return batchProbeErrno() == 0;
    }

    /**
     * The errno of the batch probe, for skip and error messages.
     *
     * @return 0 when the batch commands exist, else the probe's positive errno
     */
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
                long r = MapBatch.result(MapBatch.lookup(
                        BpfCmd.MAP_LOOKUP_BATCH, (int) map, 0L, token.address(), keys.address(), values.address(), 1));
                return r >= 0 || r == -Errno.ENOENT.number() ? 0 : (int) -r;
            } finally {
                new Fd((int) map, "probe map").close();
            }
        }
    }

    /**
     * The probe's result in words, for skip and error messages.
     *
     * @param type the map type to probe
     * @return "supported", or the type and the errno name its BPF_MAP_CREATE gave
     */
    public static String reason(MapType type) {
        int e = probeErrno(type);
        return e == 0 ? "supported" : "map type " + type + ": BPF_MAP_CREATE gave " + Errno.nameOf(e);
    }
}
