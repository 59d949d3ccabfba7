package io.bpf4j.bench;

import io.bpf4j.BatchCursor;
import io.bpf4j.BpfMap;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.UpdateFlag;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The map hot path on the MemorySegment layer: a hash map with 4-byte keys and 8-byte values
 * holding 1000 entries; single lookup/update, and 1000-element batch lookup/update (scores are
 * per element). bpf4j-bench/c/map_bench.c does the same with libbpf; bench.sh prints the ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MapBench {
    static final int N = 1000;

    private Arena arena;
    private BpfMap map;
    private MemorySegment key;
    private MemorySegment value;
    private MemorySegment keys;
    private MemorySegment values;
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("MustBeClosedChecker") // the arena is closed by the trial's tear-down
    public void setup() {
        arena = Arena.ofConfined();
        map = BpfMap.create(MapSpec.builder(MapType.HASH)
                .name("bench")
                .keySize(4)
                .valueSize(8)
                .maxEntries(N)
                .build());
        key = arena.allocate(4);
        value = arena.allocate(8);
        keys = arena.allocate(4L * N);
        values = arena.allocate(8L * N);
        for (int i = 0; i < N; i++) {
            keys.setAtIndex(ValueLayout.JAVA_INT, i, i);
            values.setAtIndex(ValueLayout.JAVA_LONG, i, i);
        }
        map.updateBatch(keys, values, N, UpdateFlag.ANY);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        map.close();
        arena.close();
    }

    @Benchmark
    public boolean lookup() {
        key.set(ValueLayout.JAVA_INT, 0, next++ % N);
        return map.lookup(key, value);
    }

    @Benchmark
    public void update() {
        key.set(ValueLayout.JAVA_INT, 0, next++ % N);
        map.update(key, value, UpdateFlag.ANY);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int batchLookup() {
        BatchCursor c = new BatchCursor(map);
        int n = 0;
        while (!c.isDone()) {
            n += map.lookupBatch(c, keys, values, N);
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int batchUpdate() {
        return map.updateBatch(keys, values, N, UpdateFlag.ANY);
    }
}
