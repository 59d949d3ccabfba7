package io.bpf4j.bench;

import io.bpf4j.BpfMap;
import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.Codecs;
import io.bpf4j.codec.RecordCodec;
import io.bpf4j.codec.StructValue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Typed lookup of a struct value (struct flow_stats {u64 packets; u64 bytes; char tag[8];}) of
 * the core tests' typed_values.bpf.o ({@code -Dbpf4j.bpf.dir}): the lookup into a native
 * segment, then the value read four ways: one field from the raw segment, a hand-laid
 * {@link RecordCodec}, a record bound to the struct by BTF, and the dynamic {@link StructValue}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TypedLookupBench {
    /** struct flow_stats. */
    public record FlowStats(long packets, long bytes, String tag) {}

    private BpfObject obj;
    private BpfMap map;
    private MemorySegment key;
    private MemorySegment value;
    private RecordCodec<FlowStats> hand;
    private RecordCodec<FlowStats> bound;
    private BtfCodec dynamic;

    @Setup(Level.Trial)
    public void setup() {
        Path dir = Path.of(System.getProperty("bpf4j.bpf.dir", "bpf4j-core/target/test-classes/bpf"));
        obj = ObjectSpec.read(dir.resolve("typed_values.bpf.o")).load();
        map = obj.map("slots");
        Arena arena = Arena.ofAuto();
        key = arena.allocate(4, 8);
        value = arena.allocate(map.valueSize(), 8);
        key.set(ValueLayout.JAVA_INT, 0, 1);
        hand = RecordCodec.builder(MethodHandles.lookup(), FlowStats.class)
                .field("packets", Codecs.s64())
                .field("bytes", Codecs.s64())
                .field("tag", Codecs.string(8))
                .build();
        bound = RecordCodec.bind(
                MethodHandles.lookup(),
                FlowStats.class,
                map.valueType().orElseThrow().btf(),
                "flow_stats");
        dynamic = BtfCodec.of(map.valueType().orElseThrow());
        obj.map("slots").typed().put(1, Map.of("packets", 7, "bytes", 9, "tag", "bench"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        obj.close();
    }

    @Benchmark
    public long raw() {
        map.lookup(key, value);
        return value.get(ValueLayout.JAVA_LONG, 0);
    }

    @Benchmark
    public FlowStats handRecord() {
        map.lookup(key, value);
        return hand.decode(value, 0);
    }

    @Benchmark
    public FlowStats btfBoundRecord() {
        map.lookup(key, value);
        return bound.decode(value, 0);
    }

    @Benchmark
    public Object dynamicValue() {
        map.lookup(key, value);
        return dynamic.decode(value, 0);
    }
}
