package io.bpf4j.btf;

import java.util.List;

/** BTF made from type records, for tests of other packages (ids from 1 in list order). */
public final class TestBtf {
    private TestBtf() {}

    public static Btf of(List<Type> types) {
        return Btf.of(null, types);
    }
}
