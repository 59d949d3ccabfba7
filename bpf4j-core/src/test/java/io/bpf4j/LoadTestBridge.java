package io.bpf4j;

import java.nio.file.Path;

/** Test bridge: loads an object file through the test front end and {@link ObjectLoader}. */
public final class LoadTestBridge {
    private LoadTestBridge() {}

    /** Loads every program of the object. */
    public static BpfObject load(Path object) throws Exception {
        return ObjectSpec.read(object).load();
    }
}
