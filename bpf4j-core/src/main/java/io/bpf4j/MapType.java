package io.bpf4j;

import java.util.Optional;

/**
 * Every map type of the kernel's {@code enum bpf_map_type}, with its number and the Linux
 * version that brought it. Whether the running kernel has one is answered by
 * {@code io.bpf4j.features.MapFeatures.supports(MapType)}.
 *
 * <pre>{@code
 * MapSpec spec = MapSpec.builder(MapType.HASH).keySize(4).valueSize(8).maxEntries(1024).build();
 * }</pre>
 */
public enum MapType {
    /** BPF_MAP_TYPE_HASH (Linux 3.19). */
    HASH(1, "3.19"),
    /** BPF_MAP_TYPE_ARRAY (Linux 3.19). */
    ARRAY(2, "3.19"),
    /** BPF_MAP_TYPE_PROG_ARRAY (Linux 4.2). */
    PROG_ARRAY(3, "4.2"),
    /** BPF_MAP_TYPE_PERF_EVENT_ARRAY (Linux 4.3). */
    PERF_EVENT_ARRAY(4, "4.3"),
    /** BPF_MAP_TYPE_PERCPU_HASH (Linux 4.6). */
    PERCPU_HASH(5, "4.6"),
    /** BPF_MAP_TYPE_PERCPU_ARRAY (Linux 4.6). */
    PERCPU_ARRAY(6, "4.6"),
    /** BPF_MAP_TYPE_STACK_TRACE (Linux 4.6). */
    STACK_TRACE(7, "4.6"),
    /** BPF_MAP_TYPE_CGROUP_ARRAY (Linux 4.8). */
    CGROUP_ARRAY(8, "4.8"),
    /** BPF_MAP_TYPE_LRU_HASH (Linux 4.10). */
    LRU_HASH(9, "4.10"),
    /** BPF_MAP_TYPE_LRU_PERCPU_HASH (Linux 4.10). */
    LRU_PERCPU_HASH(10, "4.10"),
    /** BPF_MAP_TYPE_LPM_TRIE (Linux 4.11). */
    LPM_TRIE(11, "4.11"),
    /** BPF_MAP_TYPE_ARRAY_OF_MAPS (Linux 4.12). */
    ARRAY_OF_MAPS(12, "4.12"),
    /** BPF_MAP_TYPE_HASH_OF_MAPS (Linux 4.12). */
    HASH_OF_MAPS(13, "4.12"),
    /** BPF_MAP_TYPE_DEVMAP (Linux 4.14). */
    DEVMAP(14, "4.14"),
    /** BPF_MAP_TYPE_SOCKMAP (Linux 4.14). */
    SOCKMAP(15, "4.14"),
    /** BPF_MAP_TYPE_CPUMAP (Linux 4.15). */
    CPUMAP(16, "4.15"),
    /** BPF_MAP_TYPE_XSKMAP (Linux 4.18). */
    XSKMAP(17, "4.18"),
    /** BPF_MAP_TYPE_SOCKHASH (Linux 4.18). */
    SOCKHASH(18, "4.18"),
    /** BPF_MAP_TYPE_CGROUP_STORAGE_DEPRECATED (Linux 4.19). */
    CGROUP_STORAGE(19, "4.19"),
    /** BPF_MAP_TYPE_REUSEPORT_SOCKARRAY (Linux 4.19). */
    REUSEPORT_SOCKARRAY(20, "4.19"),
    /** BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE_DEPRECATED (Linux 4.20). */
    PERCPU_CGROUP_STORAGE(21, "4.20"),
    /** BPF_MAP_TYPE_QUEUE (Linux 4.20). */
    QUEUE(22, "4.20"),
    /** BPF_MAP_TYPE_STACK (Linux 4.20). */
    STACK(23, "4.20"),
    /** BPF_MAP_TYPE_SK_STORAGE (Linux 5.2). */
    SK_STORAGE(24, "5.2"),
    /** BPF_MAP_TYPE_DEVMAP_HASH (Linux 5.4). */
    DEVMAP_HASH(25, "5.4"),
    /** BPF_MAP_TYPE_STRUCT_OPS (Linux 5.6). */
    STRUCT_OPS(26, "5.6"),
    /** BPF_MAP_TYPE_RINGBUF (Linux 5.8). */
    RINGBUF(27, "5.8"),
    /** BPF_MAP_TYPE_INODE_STORAGE (Linux 5.10). */
    INODE_STORAGE(28, "5.10"),
    /** BPF_MAP_TYPE_TASK_STORAGE (Linux 5.11). */
    TASK_STORAGE(29, "5.11"),
    /** BPF_MAP_TYPE_BLOOM_FILTER (Linux 5.16). */
    BLOOM_FILTER(30, "5.16"),
    /** BPF_MAP_TYPE_USER_RINGBUF (Linux 6.1). */
    USER_RINGBUF(31, "6.1"),
    /** BPF_MAP_TYPE_CGRP_STORAGE (Linux 6.2). */
    CGRP_STORAGE(32, "6.2"),
    /** BPF_MAP_TYPE_ARENA (Linux 6.9). */
    ARENA(33, "6.9"),
    /** BPF_MAP_TYPE_INSN_ARRAY (Linux 6.19). */
    INSN_ARRAY(34, "6.19"),
    /** BPF_MAP_TYPE_RHASH (newer than Linux 6.19). */
    RHASH(35, "");

    private final int value;
    private final String since;

    MapType(int value, String since) {
        this.value = value;
        this.since = since;
    }

    /** The kernel's number for this type (BPF_MAP_TYPE_*). */
    public int value() {
        return value;
    }

    /** The first Linux version with this map type, e.g. "5.8". */
    public String since() {
        return since;
    }

    /** The map type with this kernel number, if bpf4j knows it. */
    public static Optional<MapType> of(int value) {
        for (MapType t : values()) {
            if (t.value == value) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** True for the per-CPU types, whose values hold one slot per possible CPU. */
    public boolean isPerCpu() {
        return switch (this) {
            case PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH, PERCPU_CGROUP_STORAGE -> true;
            default -> false;
        };
    }

    /** True for the map-in-map types, whose values are inner maps. */
    public boolean isMapInMap() {
        return this == ARRAY_OF_MAPS || this == HASH_OF_MAPS;
    }
}
