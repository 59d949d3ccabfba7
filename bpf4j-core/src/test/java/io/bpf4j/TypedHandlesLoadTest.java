package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.codec.StructValue;
import io.bpf4j.codec.U64;
import io.bpf4j.testing.Kernel;
import java.lang.invoke.MethodHandles;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The typed handle of every map kind, from a loaded object's BTF, its kind checked. */
class TypedHandlesLoadTest {
    record FlowKey(long saddr, long daddr, int sport, int dport, int proto) {}

    record FlowStats(long packets, long bytes, String tag) {}

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void hashMapsDynamicAndBound() {
        try (BpfObject obj = TypedValuesObject.spec().load()) {
            TypedHashMap<FlowKey, FlowStats> flows =
                    TypedHashMap.of(obj.map("flows"), MethodHandles.lookup(), FlowKey.class, FlowStats.class);
            FlowKey k = new FlowKey(0x0100000a, 0x0200000a, 1234, 443, 6);
            assertEquals(Optional.empty(), flows.lookup(k));
            flows.update(k, new FlowStats(1, 60, "web"));
            assertThrows(KeyExistsException.class, () -> flows.update(k, new FlowStats(2, 0, ""), UpdateFlag.NOEXIST));
            assertEquals(new FlowStats(1, 60, "web"), flows.lookup(k).orElseThrow());

            Map<FlowKey, FlowStats> many = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                many.put(new FlowKey(i, 2, i % 65536, 80, 17), new FlowStats(i, 2L * i, "b" + i));
            }
            assertEquals(300, flows.updateBatch(many));
            List<Map.Entry<FlowKey, FlowStats>> all = flows.entries(16);
            assertEquals(301, all.size());
            assertEquals(
                    new FlowStats(7, 14, "b7"),
                    all.stream()
                            .filter(e -> e.getKey().saddr() == 7)
                            .findFirst()
                            .orElseThrow()
                            .getValue());
            assertEquals(2, flows.deleteBatch(List.of(new FlowKey(1, 2, 1, 80, 17), new FlowKey(2, 2, 2, 80, 17))));
            assertTrue(flows.delete(k));
            assertFalse(flows.delete(k));
            assertEquals(298, flows.drainBatch(1000).size() + flows.entries(64).size());

            // The same map dynamically: keys and values as StructValues, encoded back from Maps.
            TypedHashMap<Object, Object> dyn = TypedHashMap.of(obj.map("flows"));
            dyn.update(Map.of("saddr", 9, "dport", 22), Map.of("packets", 3, "tag", "ssh"));
            StructValue v =
                    (StructValue) dyn.lookup(Map.of("saddr", 9, "dport", 22)).orElseThrow();
            assertEquals(U64.of(3), v.get("packets"));
            assertEquals("ssh", v.get("tag"));
            assertEquals(1, obj.map("flows").typed().entries().count());
            // A map opened by id has no spec: its types are read back from the kernel's BTF.
            try (BpfMap again = BpfMap.fromId(obj.map("flows").info().id())) {
                assertTrue(again.keyType().isEmpty());
                assertEquals(
                        "ssh",
                        ((StructValue) again.typed()
                                        .entries()
                                        .findFirst()
                                        .orElseThrow()
                                        .getValue())
                                .get("tag"));
            }

            TypedHashMap<Object, Object> lru = TypedHashMap.of(obj.map("recent"));
            for (int i = 0; i < 40; i++) {
                lru.update((long) i, U64.of(i)); // 16 entries: the LRU evicts instead of failing
            }
            assertTrue(lru.entries(8).size() <= 16);

            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> TypedHashMap.of(obj.map("slots")));
            assertEquals("map \"slots\" is a ARRAY map; TypedHashMap takes [HASH, LRU_HASH] maps", e.getMessage());
        }
    }

    @Test
    void arraysPerCpuTriesBloomFiltersQueuesAndStacks() throws Exception {
        try (BpfObject obj = TypedValuesObject.spec().load()) {
            TypedArray<FlowStats> slots = TypedArray.of(obj.map("slots"), MethodHandles.lookup(), FlowStats.class);
            assertEquals(8, slots.length());
            slots.set(3, new FlowStats(5, 6, "three"));
            assertEquals(new FlowStats(5, 6, "three"), slots.get(3));
            assertEquals(8, slots.values().size());
            assertThrows(IndexOutOfBoundsException.class, () -> slots.get(8));
            assertThrows(IndexOutOfBoundsException.class, () -> slots.set(-1, new FlowStats(0, 0, "")));

            PerCpuMap<Long, Long> hits = PerCpuMap.of(obj.map("hits"), MethodHandles.lookup(), Long.class, Long.class);
            List<Long> per = new java.util.ArrayList<>();
            for (int c = 0; c < hits.cpuCount(); c++) {
                per.add((long) c + 1);
            }
            hits.put(5L, per);
            assertEquals(per, hits.get(5L).orElseThrow());
            assertEquals(per.stream().mapToLong(Long::longValue).sum(), hits.sum(5L, Long::longValue));
            assertEquals(1, hits.entries().count());
            assertThrows(IllegalArgumentException.class, () -> hits.put(6L, List.of(1L)));
            assertTrue(hits.remove(5L));
            assertEquals(0, hits.sum(5L, Long::longValue));
            PerCpuMap<Object, Object> stats = PerCpuMap.of(obj.map("cpu_stats"));
            assertEquals(hits.cpuCount(), stats.get(0L).orElseThrow().size());

            TypedLpmTrie<Object> routes = TypedLpmTrie.of(obj.map("routes"));
            routes.update(InetAddress.getByName("10.0.0.0"), 8, 1L);
            routes.update(InetAddress.getByName("10.1.0.0"), 16, 2L);
            assertEquals(Optional.of(2L), routes.lookup(InetAddress.getByName("10.1.2.3")));
            assertEquals(Optional.of(1L), routes.lookup(InetAddress.getByName("10.9.2.3")));
            assertEquals(Optional.empty(), routes.lookup(InetAddress.getByName("11.0.0.1")));
            TypedLpmTrie<Object> names = TypedLpmTrie.of(obj.map("prefixes"));
            names.update("ab", 7L);
            assertEquals(Optional.of(7L), names.lookup("abcdef"));
            assertEquals(Optional.empty(), names.lookup("b"));
            assertThrows(IllegalArgumentException.class, () -> names.update("123456789", 1L));

            boolean bloom = io.bpf4j.features.MapFeatures.supports(MapType.BLOOM_FILTER); // else seen_flows is a queue
            if (bloom) {
                TypedBloomFilter<FlowKey> seen =
                        TypedBloomFilter.of(obj.map("seen_flows"), MethodHandles.lookup(), FlowKey.class);
                seen.insert(new FlowKey(1, 2, 3, 4, 5));
                assertTrue(seen.contains(new FlowKey(1, 2, 3, 4, 5)));
                assertFalse(seen.contains(new FlowKey(9, 9, 9, 9, 9)));
            }

            // The kernel takes no BTF for queues and stacks: their types come from the object's spec.
            assertEquals(0, obj.map("work").info().btfValueTypeId());
            TypedQueue<FlowStats> work = TypedQueue.of(obj.map("work"), MethodHandles.lookup(), FlowStats.class);
            work.push(new FlowStats(1, 1, "a"));
            work.push(new FlowStats(2, 2, "b"));
            assertEquals("a", work.peek().orElseThrow().tag());
            assertEquals("a", work.pop().orElseThrow().tag());
            TypedQueue<Object> undo = TypedQueue.of(obj.map("undo"));
            undo.push(1L);
            undo.push(2L);
            assertEquals(Optional.of(2L), undo.pop());
            assertThrows(IllegalArgumentException.class, () -> TypedQueue.of(obj.map("flows")));
        }
        // everything else ran; the bloom filter part needs the map type
        io.bpf4j.testing.KernelFeature.assumeMapType(MapType.BLOOM_FILTER);
    }
}
