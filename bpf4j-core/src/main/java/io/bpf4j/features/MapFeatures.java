package io.bpf4j.features;

import io.bpf4j.MapType;
import io.bpf4j.internal.sys.MapProbes;

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
    private MapFeatures() {}

    /**
     * Whether a map of {@code type} can be created on this kernel (probed on first use, then
     * cached).
     *
     * @param type the map type to probe
     * @return true when the probe's smallest map of that type was created
     */
    public static boolean supports(MapType type) {
        return MapProbes.supports(type);
    }

    /**
     * The errno the kernel gave when the probe created a map of this type, or 0 when it worked:
     * the reason to show when a type is missing.
     *
     * @param type the map type to probe
     * @return 0, or the positive errno of the probe's BPF_MAP_CREATE (EINVAL: an unknown type)
     */
    public static int probeErrno(MapType type) {
        return MapProbes.probeErrno(type);
    }

    /**
     * True when this kernel has the batch map commands (BPF_MAP_*_BATCH, Linux 5.6): probed once
     * with a batch lookup on an empty hash map, which answers ENOENT where the commands exist and
     * EINVAL (an unknown command) where they do not.
     *
     * @return true when the batch commands exist
     */
    public static boolean supportsBatch() {
        return MapProbes.supportsBatch();
    }

    /**
     * The errno of the batch probe, for skip and error messages.
     *
     * @return 0 when the batch commands exist, else the probe's positive errno
     */
    public static int batchProbeErrno() {
        return MapProbes.batchProbeErrno();
    }

    /**
     * The probe's result in words, for skip and error messages.
     *
     * @param type the map type to probe
     * @return "supported", or the type and the errno name its BPF_MAP_CREATE gave
     */
    public static String reason(MapType type) {
        return MapProbes.reason(type);
    }
}
