package io.bpf4j;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** The kind check of the typed handles: a handle for one kind refuses a map of another. */
final class MapKinds {
    private MapKinds() {}

    static void require(BpfMap map, String handle, MapType... kinds) {
        Set<MapType> ok = EnumSet.copyOf(Arrays.asList(kinds));
        if (!ok.contains(map.type())) {
            throw new IllegalArgumentException(map.what() + " is a " + map.type() + " map; " + handle + " takes "
                    + (kinds.length == 1 ? kinds[0] : ok.toString()) + " maps");
        }
    }
}
