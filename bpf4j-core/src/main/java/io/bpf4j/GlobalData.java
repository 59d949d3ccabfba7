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

    private GlobalData() {}

    /** True for the sections whose map programs only read (and which get frozen). */
    static boolean isReadOnly(String section) {
        return section.equals(".rodata") || section.startsWith(".rodata.") || section.equals(".kconfig");
    }

    /**
     * The kernel name of a section's map, as libbpf 1.x's {@code internal_map_name}: a section
     * with a second dot ({@code .rodata.str1.1}, {@code .data.custom}) keeps its own name; the
     * others get as much of the object name as leaves room for at least 7 suffix characters
     * ({@code execsnoop.bss} → {@code execsnoo.bss}), all cut to 15 characters and cleaned.
     */
    static String mapName(String objectName, String section) {
        int suffix = Math.max(7, section.length());
        int prefix = section.indexOf('.', 1) >= 0
                ? 0
                : Math.max(0, Math.min(BPF_OBJ_NAME_LEN - suffix - 1, objectName.length()));
        return ObjectNames.sanitize(objectName.substring(0, prefix) + section);
    }

    /**
     * The map spec for a global-data section of {@code size} bytes, flagged as libbpf 1.1 (this
     * platform's, the parity suite's reference) flags it: read-only to programs for
     * {@code .rodata*} and {@code .kconfig}, and mmap-able. (libbpf 1.3 and later leave a section
     * that holds only static variables unmapped.) Its value type is the section's BTF DATASEC.
     *
     * @param btf the object's types with DATASECs laid out (empty without BTF)
     */
    static MapSpec spec(String objectName, String section, int size, java.util.Optional<io.bpf4j.btf.Btf> btf) {
        int valueType = 0;
        if (btf.isPresent()) {
            for (int id : btf.get().idsNamed(section)) {
                if (btf.get().type(id) instanceof io.bpf4j.btf.Type.DataSec) {
                    valueType = id;
                    break;
                }
            }
        }
        int flags = (isReadOnly(section) ? MapFlags.RDONLY_PROG : 0) | MapFlags.MMAPABLE;
        MapSpec.Builder b = MapSpec.builder(MapType.ARRAY)
                .name(mapName(objectName, section))
                .keySize(4)
                .valueSize(Math.max(size, 1))
                .maxEntries(1)
                .flags(flags)
                .btfTypeIds(0, valueType);
        btf.ifPresent(b::btf);
        return b.build();
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
            if (contents.length > 0 || isReadOnly(section)) {
                // A new array element is zeros already: a section without bytes (.bss) needs no write.
                byte[] value = new byte[spec.valueSize()];
                System.arraycopy(contents, 0, value, 0, contents.length);
                map.update(new byte[4], value, UpdateFlag.ANY);
            }
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
