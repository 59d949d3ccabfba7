package io.bpf4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where a batch read of a map ({@link BpfMap#lookupBatch}) stands: the kernel's opaque batch
 * token, kept in native memory so that resuming allocates nothing. One cursor walks one map once;
 * make a new one to start over.
 *
 * <pre>{@code
 * BatchCursor cursor = new BatchCursor(map);
 * int total = 0;
 * while (!cursor.isDone()) {
 *     total += map.lookupBatch(cursor, keys, values, 1000);
 * }
 * }</pre>
 */
public final class BatchCursor {
    private final BpfMap map;
    private final MemorySegment token;
    private boolean started;
    private boolean done;

    /** A cursor at the start of {@code map}. */
    public BatchCursor(BpfMap map) {
        this.map = map;
        // Hash maps keep a u32 bucket index here, arrays a key: room for either.
        this.token = Arena.ofAuto().allocate(Math.max(8, map.keySize()), 8);
    }

    /** True once the kernel said the map has no more entries. */
    public boolean isDone() {
        return done;
    }

    BpfMap map() {
        return map;
    }

    MemorySegment token() {
        return token;
    }

    boolean started() {
        return started;
    }

    void advance() {
        started = true;
    }

    void finish() {
        started = true;
        done = true;
    }
}
