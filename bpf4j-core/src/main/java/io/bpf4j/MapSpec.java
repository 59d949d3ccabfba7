package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.TypeRef;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything needed to create a map: plain data, no kernel state. Build one by hand or get it
 * from an {@code ObjectSpec}; {@link BpfMap#create(MapSpec)} makes the live map.
 *
 * <pre>{@code
 * MapSpec spec = MapSpec.builder(MapType.HASH)
 *         .name("counts").keySize(4).valueSize(8).maxEntries(1024).build();
 * try (BpfMap map = BpfMap.create(spec)) { ... }
 * }</pre>
 *
 * @param name the map's name (the kernel keeps 15 characters)
 * @param type the map type
 * @param keySize key size in bytes (0 for queue, stack, ring buffers, bloom filters)
 * @param valueSize value size in bytes (0 for ring buffers)
 * @param maxEntries capacity (for ring buffers: the size in bytes, a power-of-2 multiple of the page size)
 * @param flags BPF_F_* map flags, see {@link MapFlags}
 * @param numaNode the NUMA node to allocate on, when set ({@link MapFlags#NUMA_NODE} is added on create)
 * @param mapExtra the map_extra field (bloom filter hash count, arena address)
 * @param innerMap for map-in-map types: the spec of the inner maps (its fd is a template on create)
 * @param pinning how an object loader pins the map
 * @param btfKeyTypeId BTF id of the key type in the object's BTF (0: none)
 * @param btfValueTypeId BTF id of the value type in the object's BTF (0: none)
 * @param btfVmlinuxValueTypeId for STRUCT_OPS maps: the kernel BTF id of the struct_ops value type (0: none)
 * @param btf the BTF that {@code btfKeyTypeId} and {@code btfValueTypeId} name (an object's own types)
 */
public record MapSpec(
        String name,
        MapType type,
        int keySize,
        int valueSize,
        int maxEntries,
        int flags,
        OptionalInt numaNode,
        long mapExtra,
        Optional<MapSpec> innerMap,
        Pinning pinning,
        int btfKeyTypeId,
        int btfValueTypeId,
        int btfVmlinuxValueTypeId,
        Optional<Btf> btf) {

    /** Checks sizes that are negative and nulls; the kernel checks the rest on create. */
    public MapSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(numaNode, "numaNode");
        Objects.requireNonNull(innerMap, "innerMap");
        Objects.requireNonNull(pinning, "pinning");
        Objects.requireNonNull(btf, "btf");
        if (keySize < 0 || valueSize < 0 || maxEntries < 0) {
            throw new IllegalArgumentException("map \"" + name + "\": negative size (key " + keySize + ", value "
                    + valueSize + ", max_entries " + maxEntries + ")");
        }
    }

    /** The key's BTF type, when the spec has BTF and names a key type. */
    public Optional<TypeRef> keyType() {
        return btfKeyTypeId == 0 ? Optional.empty() : btf.map(b -> new TypeRef(b, btfKeyTypeId));
    }

    /**
     * The value's BTF type, when the spec has BTF and names a value type; for a global data map
     * ({@code .data}, {@code .rodata}, ...) the section's DATASEC with its variables at their offsets.
     */
    public Optional<TypeRef> valueType() {
        return btfValueTypeId == 0 ? Optional.empty() : btf.map(b -> new TypeRef(b, btfValueTypeId));
    }

    /** A builder for a map of this type, every other field at its default (0, none). */
    public static Builder builder(MapType type) {
        return new Builder(type);
    }

    /** A builder that starts from this spec, to change a few fields. */
    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.name = name;
        b.keySize = keySize;
        b.valueSize = valueSize;
        b.maxEntries = maxEntries;
        b.flags = flags;
        b.numaNode = numaNode;
        b.mapExtra = mapExtra;
        b.innerMap = innerMap;
        b.pinning = pinning;
        b.btfKeyTypeId = btfKeyTypeId;
        b.btfValueTypeId = btfValueTypeId;
        b.btfVmlinuxValueTypeId = btfVmlinuxValueTypeId;
        b.btf = btf;
        return b;
    }

    /** Builder of {@link MapSpec}; every setter returns this builder. */
    public static final class Builder {
        private MapType type;
        private String name = "";
        private int keySize;
        private int valueSize;
        private int maxEntries;
        private int flags;
        private OptionalInt numaNode = OptionalInt.empty();
        private long mapExtra;
        private Optional<MapSpec> innerMap = Optional.empty();
        private Pinning pinning = Pinning.NONE;
        private int btfKeyTypeId;
        private int btfValueTypeId;
        private int btfVmlinuxValueTypeId;
        private Optional<Btf> btf = Optional.empty();

        private Builder(MapType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /** Changes the map type (libbpf's {@code bpf_map__set_type}). */
        public Builder type(MapType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder keySize(int keySize) {
            this.keySize = keySize;
            return this;
        }

        public Builder valueSize(int valueSize) {
            this.valueSize = valueSize;
            return this;
        }

        public Builder maxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
            return this;
        }

        public Builder flags(int flags) {
            this.flags = flags;
            return this;
        }

        public Builder numaNode(int node) {
            this.numaNode = OptionalInt.of(node);
            return this;
        }

        public Builder mapExtra(long mapExtra) {
            this.mapExtra = mapExtra;
            return this;
        }

        public Builder innerMap(MapSpec inner) {
            this.innerMap = Optional.of(inner);
            return this;
        }

        public Builder pinning(Pinning pinning) {
            this.pinning = Objects.requireNonNull(pinning, "pinning");
            return this;
        }

        public Builder btfTypeIds(int keyTypeId, int valueTypeId) {
            this.btfKeyTypeId = keyTypeId;
            this.btfValueTypeId = valueTypeId;
            return this;
        }

        /** For STRUCT_OPS: the kernel BTF id of the value type (e.g. {@code bpf_struct_ops_tcp_congestion_ops}). */
        public Builder btfVmlinuxValueTypeId(int id) {
            this.btfVmlinuxValueTypeId = id;
            return this;
        }

        /** The BTF the key and value type ids name. */
        public Builder btf(Btf types) {
            this.btf = Optional.of(types);
            return this;
        }

        /** Sets the key and value types by reference: their blob and ids. */
        public Builder btfTypes(Optional<TypeRef> key, TypeRef value) {
            key.ifPresent(k -> {
                if (k.btf() != value.btf()) {
                    throw new IllegalArgumentException(
                            "key type " + k + " and value type " + value + " come from different BTF");
                }
            });
            this.btf = Optional.of(value.btf());
            this.btfKeyTypeId = key.map(TypeRef::id).orElse(0);
            this.btfValueTypeId = value.id();
            return this;
        }

        public MapSpec build() {
            return new MapSpec(
                    name,
                    type,
                    keySize,
                    valueSize,
                    maxEntries,
                    flags,
                    numaNode,
                    mapExtra,
                    innerMap,
                    pinning,
                    btfKeyTypeId,
                    btfValueTypeId,
                    btfVmlinuxValueTypeId,
                    btf);
        }
    }
}
