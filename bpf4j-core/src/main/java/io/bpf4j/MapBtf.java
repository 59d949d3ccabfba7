package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.TypeRef;
import io.bpf4j.internal.sys.BtfById;
import java.util.Optional;

/**
 * A live map's key and value types, read back from the BTF the kernel keeps with the map (as
 * bpftool does): works for maps of loaded objects, pinned maps and maps opened by id alike. A
 * map created without BTF has none.
 */
final class MapBtf {
    private MapBtf() {
    }

    /** The key and value types, each empty when the map has no BTF for it. */
    record Types(Optional<TypeRef> key, Optional<TypeRef> value) {
    }

    static Types of(BpfMap map) {
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
        return t.value().orElseThrow(() -> new IllegalStateException(map.what()
                + " has no BTF value type (created without BTF, or from an object compiled without -g):"
                + " give codecs instead"));
    }
}
