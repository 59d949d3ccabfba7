package io.bpf4j;

import io.bpf4j.internal.sys.ObjectNames;
import java.util.OptionalInt;

/**
 * Global variables of a BPF object live in one-element ARRAY maps, one per section
 * ({@code .data}, {@code .rodata}, {@code .bss}, {@code .kconfig}, {@code .data.custom} ...), as
 * libbpf lays them out: the value is the section's bytes; {@code .rodata} and {@code .kconfig}
 * are read-only to programs and frozen after they are filled, so the verifier can treat their
 * contents as constants; writable sections are mmap-able so user space can share them.
 */
final class GlobalData {
    private static final int BPF_OBJ_NAME_LEN = 16;

    private GlobalData() {
    }

    /** True for the sections whose map programs only read (and which get frozen). */
    static boolean isReadOnly(String section) {
        return section.equals(".rodata") || section.startsWith(".rodata.") || section.equals(".kconfig");
    }

    /**
     * The kernel name of a section's map: as much of the object name as fits before the section
     * name in 15 characters (libbpf's {@code internal_map_name}), e.g. {@code counter.rodata}.
     */
    static String mapName(String objectName, String section) {
        String obj = ObjectNames.sanitize(objectName);
        int prefix = Math.max(0, Math.min(BPF_OBJ_NAME_LEN - 1 - section.length(), obj.length()));
        String name = obj.substring(0, prefix) + section;
        return name.length() > BPF_OBJ_NAME_LEN - 1 ? name.substring(0, BPF_OBJ_NAME_LEN - 1) : name;
    }

    /** The map spec for a global-data section of {@code size} bytes. */
    static MapSpec spec(String objectName, String section, int size, int btfValueTypeId) {
        int flags = isReadOnly(section) ? MapFlags.RDONLY_PROG : MapFlags.MMAPABLE;
        return MapSpec.builder(MapType.ARRAY).name(mapName(objectName, section)).keySize(4)
                .valueSize(Math.max(size, 1)).maxEntries(1).flags(flags)
                .btfTypeIds(0, btfValueTypeId).build();
    }

    /**
     * Creates the map of a section and fills it with {@code contents} (zeros for {@code .bss});
     * freezes it when the section is read-only. Nothing is left behind on failure.
     */
    static BpfMap create(MapSpec spec, String section, byte[] contents, OptionalInt btfFd) {
        BpfMap map = ObjectMaps.create(spec, btfFd);
        try {
            if (contents.length > spec.valueSize()) {
                throw new IllegalArgumentException("section " + section + " has " + contents.length
                        + " bytes, its map value only " + spec.valueSize());
            }
            byte[] value = new byte[spec.valueSize()];
            System.arraycopy(contents, 0, value, 0, contents.length);
            map.update(new byte[4], value, UpdateFlag.ANY);
            if (isReadOnly(section)) {
                map.freeze();
            }
            return map;
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    /** Reads the section's current bytes back from its map. */
    static byte[] read(BpfMap map) {
        return map.lookup(new byte[4]).orElseThrow(() -> new BpfException(map + " has no element 0"));
    }
}
