package io.bpf4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * How the object loader makes a map: with the object's BTF (key/value type ids), falling back to
 * a plain create when the kernel refuses the BTF (as libbpf does), and — for
 * {@link Pinning#BY_NAME} maps — reusing a compatible map already pinned under the pin directory.
 */
final class ObjectMaps {
    private ObjectMaps() {}

    /**
     * Creates the map, with BTF when {@code btfFd} is present and the spec names type ids.
     * A refusal with BTF is retried without it, as libbpf does; the error of the plain create is
     * the one thrown.
     */
    static BpfMap create(MapSpec spec, OptionalInt btfFd) {
        if (btfFd.isPresent() && spec.btfValueTypeId() != 0) {
            try {
                return BpfMap.create(spec, btfFd);
            } catch (BpfException refusedWithBtf) {
                // fall through: the same map without BTF
            }
        }
        return BpfMap.create(spec);
    }

    /**
     * For a {@link Pinning#BY_NAME} map: the map pinned at {@code pinDir/name} when there is one
     * and it matches the spec, else a new map pinned there. A pinned map that does not match is
     * an error naming every difference (libbpf refuses it the same way).
     *
     * @param pinned set to true when the map was reused from the pin
     */
    static BpfMap openOrCreatePinned(MapSpec spec, OptionalInt btfFd, Path pinDir, boolean[] pinned) {
        Path path = pinDir.resolve(spec.name());
        if (Files.exists(path)) {
            BpfMap existing = BpfMap.fromPin(path);
            List<String> diffs = differences(spec, existing.info());
            if (!diffs.isEmpty()) {
                existing.close();
                throw new BpfException("map \"" + spec.name() + "\" pinned at " + path
                        + " does not match the object's definition: " + String.join(", ", diffs)
                        + " (remove the pin to recreate it)");
            }
            pinned[0] = true;
            return existing;
        }
        BpfMap created = create(spec, btfFd);
        try {
            created.pin(path);
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        pinned[0] = false;
        return created;
    }

    /** What differs between a spec and a live map, in words; empty when they match. */
    static List<String> differences(MapSpec spec, MapInfo info) {
        List<String> d = new ArrayList<>();
        if (info.rawType() != spec.type().value()) {
            d.add("type " + info.type().map(Enum::name).orElse("#" + info.rawType()) + " vs " + spec.type());
        }
        if (info.keySize() != spec.keySize()) {
            d.add("key size " + info.keySize() + " vs " + spec.keySize());
        }
        if (info.valueSize() != spec.valueSize()) {
            d.add("value size " + info.valueSize() + " vs " + spec.valueSize());
        }
        if (info.maxEntries() != spec.maxEntries()) {
            d.add("max_entries " + info.maxEntries() + " vs " + spec.maxEntries());
        }
        int wanted = spec.flags() | (spec.numaNode().isPresent() ? MapFlags.NUMA_NODE : 0);
        if (info.flags() != wanted) {
            d.add("flags 0x" + Integer.toHexString(info.flags()) + " vs 0x" + Integer.toHexString(wanted));
        }
        if (info.mapExtra() != spec.mapExtra()) {
            d.add("map_extra " + info.mapExtra() + " vs " + spec.mapExtra());
        }
        return d;
    }
}
