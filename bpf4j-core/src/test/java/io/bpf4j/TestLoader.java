package io.bpf4j;

import java.nio.file.Path;

/** Test bridge: loads an object file through the test front end and {@link ObjectLoader}. */
public final class TestLoader {
    private TestLoader() {
    }

    /** Loads every program of the object. */
    public static BpfObject load(Path object) throws Exception {
        return ObjectLoader.load(TestObjects.plan(object), ObjectLoader.Options.DEFAULT);
    }
}
