package io.bpf4j;

import io.bpf4j.features.MapFeatures;
import io.bpf4j.testing.Kernel;

/**
 * The typed_values test object as this kernel can load it. It has a map of every kind; no
 * program uses its bloom filter {@code seen_flows}, so on kernels without bloom filters (before
 * 5.16) that map becomes a queue of the same values and the rest of the object still loads: the
 * tests of the other kinds run there too, and only bloom-filter checks skip (by probe).
 */
final class TypedValuesObject {
    private TypedValuesObject() {}

    static ObjectSpec spec() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("typed_values"));
        return MapFeatures.supports(MapType.BLOOM_FILTER) ? spec : spec.withMapType("seen_flows", MapType.QUEUE);
    }
}
