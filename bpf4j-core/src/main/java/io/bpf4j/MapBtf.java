package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.TypeRef;
import io.bpf4j.internal.sys.BtfById;
import java.util.Optional;

/**
 * A live map's key and value types: those of its spec for a map made from an object, else read
 * back from the BTF the kernel keeps with the map (as bpftool does), for pinned maps and maps
 * opened by id. A map created without BTF has none.
 */
final class MapBtf {
    private MapBtf() {}

    /** The key and value types, each empty when the map has no BTF for it. */
    record Types(Optional<TypeRef> key, Optional<TypeRef> value) {}

    static Types of(BpfMap map) {
        // A map made from an object knows its types from the spec, also those the kernel was not
        // given (queues and stacks take no BTF); others are read back from the kernel.
        if (map.keyType().isPresent() || map.valueType().isPresent()) {
            return new Types(map.keyType(), map.valueType());
        }
        MapInfo info = map.info();
        if (info.btfId() == 0) {
            return new Types(Optional.empty(), Optional.empty());
        }
        Btf btf = Btf.parse(BtfById.read(info.btfId()));
        return new Types(ref(btf, info.btfKeyTypeId()), ref(btf, info.btfValueTypeId()));
    }

    /** The types the kernel keeps with the map (what bpftool prints from), ignoring the spec's. */
    static Types ofKernel(BpfMap map) {
        MapInfo info = map.info();
        if (info.btfId() == 0) {
            return new Types(Optional.empty(), Optional.empty());
        }
        Btf btf = Btf.parse(BtfById.read(info.btfId()));
        return new Types(ref(btf, info.btfKeyTypeId()), ref(btf, info.btfValueTypeId()));
    }

    private static Optional<TypeRef> ref(Btf btf, int id) {
        return id == 0 ? Optional.empty() : Optional.of(new TypeRef(btf, id));
    }

    /** The BTF of a map's value (data sections: the DATASEC), or an error saying why there is none. */
    static TypeRef requireValue(BpfMap map, Types t) {
        return t.value()
                .orElseThrow(() -> new IllegalStateException(map.what()
                        + " has no BTF value type (created without BTF, or from an object compiled without -g):"
                        + " give codecs instead"));
    }
}
