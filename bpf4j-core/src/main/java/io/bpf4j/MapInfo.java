package io.bpf4j;

/**
 * What the kernel says about a live map (BPF_OBJ_GET_INFO_BY_FD with bpf_map_info).
 *
 * <pre>{@code
 * MapInfo info = map.info();
 * System.out.println(info.name() + " id " + info.id() + " " + info.type());
 * }</pre>
 *
 * @param type the map type (empty-named types newer than bpf4j show as {@code rawType})
 * @param rawType the kernel's type number
 * @param id the kernel-wide map id
 * @param keySize key size in bytes
 * @param valueSize value size in bytes (per CPU for per-CPU maps)
 * @param maxEntries capacity
 * @param flags creation flags
 * @param name the name the kernel kept (15 characters at most)
 * @param btfId id of the map's BTF object, 0 when none
 * @param btfKeyTypeId key type id in that BTF
 * @param btfValueTypeId value type id in that BTF
 * @param mapExtra map_extra
 */
public record MapInfo(
        java.util.Optional<MapType> type,
        int rawType,
        int id,
        int keySize,
        int valueSize,
        int maxEntries,
        int flags,
        String name,
        int btfId,
        int btfKeyTypeId,
        int btfValueTypeId,
        long mapExtra) {}
