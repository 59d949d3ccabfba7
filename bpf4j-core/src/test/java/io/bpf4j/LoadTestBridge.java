package io.bpf4j;

import java.nio.file.Path;

/** Test bridge: loads an object file through the test front end and {@link ObjectLoader}. */
public final class LoadTestBridge {
    private LoadTestBridge() {
    }

    /** Loads every program of the object. */
    public static BpfObject load(Path object) throws Exception {
        return ObjectLoader.load(ElfLoadFixture.plan(object), ObjectLoader.Options.DEFAULT);
    }
}
