package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Metadata;
import io.bpf4j.btf.Type;
import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The public object model: what a spec shows of its programs, maps, variables and externs, and its edits. */
class ObjectModelTest {

    @Test
    void programsCarryTheirLinkedInstructionsWithReferencesAndLines() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_subprogs"));
        ProgramSpec first = spec.programs().get("xdp_first");
        List<Instruction> insns = first.instructions();
        assertTrue(insns.size() > 10, "linked with its subprograms: " + insns.size());
        assertEquals(Optional.of("xdp_first"), insns.get(0).metadata().symbol());
        List<String> functions =
                insns.stream().flatMap(i -> i.metadata().symbol().stream()).toList();
        assertTrue(functions.contains("bump") && functions.contains("mix"), functions.toString());
        List<Metadata.Reference> refs =
                insns.stream().flatMap(i -> i.metadata().reference().stream()).toList();
        assertTrue(refs.contains(new Metadata.MapReference("sub_counts")), refs.toString());
        assertTrue(refs.contains(new Metadata.FunctionReference("bump")), refs.toString());
        assertTrue(
                insns.stream().anyMatch(i -> i.metadata()
                        .line()
                        .map(l -> l.file().endsWith("load_subprogs.bpf.c"))
                        .orElse(false)),
                "line info as metadata");
    }

    @Test
    void mapsCarryTheirBtfKeyAndValueTypes() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_subprogs"));
        MapSpec counts = spec.maps().get("sub_counts");
        assertEquals("__u32", counts.keyType().orElseThrow().name());
        assertEquals("__u64", counts.valueType().orElseThrow().name());
        assertEquals(4, counts.keyType().orElseThrow().size());
        assertTrue(spec.btf().isPresent());
        assertThrows(UnsupportedOperationException.class, () -> spec.maps().remove("sub_counts"));
    }

    @Test
    void variablesHaveSectionsOffsetsTypesAndValues() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_globals"));
        Map<String, VariableSpec> vars = spec.variables();
        VariableSpec verdict = vars.get("verdict");
        assertEquals(".rodata", verdict.section());
        assertTrue(verdict.readOnly());
        assertEquals(4, verdict.size());
        assertEquals(2, verdict.longValue()); // XDP_PASS
        VariableSpec budget = vars.get("budget");
        assertEquals(".data", budget.section());
        assertEquals(1000, budget.longValue());
        assertEquals(".bss", vars.get("seen").section());
        assertEquals(0, vars.get("seen").longValue());
        assertEquals(0, vars.get("seen").value().length, ".bss bytes are not in the file");
        assertEquals(".data.stats", vars.get("short_packets").section());
        assertEquals(8, vars.get("short_packets").offset(), "placed after long_packets, from the symbol table");
        byte[] greeting = vars.get("greeting").value();
        assertArrayEquals("hello\0\0\0".getBytes(), greeting);
        // The DATASEC of the .rodata map's value type holds the variables at their offsets (not all 0).
        Type.DataSec rodata = (Type.DataSec)
                spec.maps().get(".rodata").valueType().orElseThrow().type();
        assertTrue(rodata.vars().stream().anyMatch(v -> v.offset() > 0), rodata.toString());
        // Edits show in the variables.
        assertEquals(
                1, spec.withConstant("verdict", 1).variables().get("verdict").longValue());
        assertEquals(2, spec.variables().get("verdict").longValue(), "the original is unchanged");
    }

    @Test
    void externsAreTyped() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("spec_everything"));
        assertTrue(spec.externs().stream()
                .anyMatch(e -> e instanceof KconfigExtern k
                        && k.name().equals("LINUX_KERNEL_VERSION")
                        && k.kind() == KconfigExtern.Kind.INT));
        assertTrue(spec.externs().stream()
                .anyMatch(e -> e instanceof KsymExtern k && k.name().equals("bpf_prog_fops")));
    }

    @Test
    void editsNameWhatDoesNotExist() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_subprogs"));
        IllegalArgumentException map =
                assertThrows(IllegalArgumentException.class, () -> spec.withValueSize("nope", 8));
        assertTrue(map.getMessage().contains("sub_counts"), map.getMessage());
        IllegalArgumentException prog =
                assertThrows(IllegalArgumentException.class, () -> spec.withAutoattach("nope", false));
        assertTrue(prog.getMessage().contains("xdp_first"), prog.getMessage());
        IllegalArgumentException var =
                assertThrows(IllegalArgumentException.class, () -> ObjectSpec.read(Kernel.bpfObject("load_globals"))
                        .withConstant("nope", 1));
        assertTrue(var.getMessage().contains("verdict"), var.getMessage());
        IllegalArgumentException fit =
                assertThrows(IllegalArgumentException.class, () -> ObjectSpec.read(Kernel.bpfObject("load_globals"))
                        .withConstant("verdict", 1L << 40));
        assertTrue(fit.getMessage().contains("__u32"), fit.getMessage());
        assertFalse(spec.withAutoattach("xdp_first", false).autoattach("xdp_first"));
        assertThrows(IllegalArgumentException.class, () -> ObjectSpec.read(new byte[16], ""));
        assertThrows(IllegalArgumentException.class, () -> ObjectSpec.read(new byte[16], "/"));
    }

    @Test
    void valueSizeEditDropsAMismatchedBtfType() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_subprogs")).withValueSize("sub_counts", 16);
        assertEquals(16, spec.maps().get("sub_counts").valueSize());
        assertTrue(spec.maps().get("sub_counts").valueType().isEmpty());
        assertEquals(
                "__u32", spec.maps().get("sub_counts").keyType().orElseThrow().name());
    }

    @Test
    void theSameFileGivesAnEqualSpec() throws Exception {
        byte[] bytes = Files.readAllBytes(Kernel.bpfObject("load_globals"));
        ObjectSpec a = ObjectSpec.read(bytes, "load_globals.bpf.o");
        ObjectSpec b = ObjectSpec.read(bytes.clone(), "load_globals.bpf.o");
        assertEquals(a.programs(), b.programs());
        assertEquals(a.variables(), b.variables());
        assertEquals(a.maps().keySet(), b.maps().keySet());
        a.maps()
                .forEach((n, m) -> assertEquals(
                        m.toBuilder().build().flags(), b.maps().get(n).flags(), n));
    }

    @Test
    void aSpecSharedBetweenThreadsIsNeverSeenHalfEdited() throws Exception {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_globals"));
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int n = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        ObjectSpec e = spec.withConstant("verdict", n).withConstant("min_len", (long) n);
                        assertEquals(n, e.variables().get("verdict").longValue());
                        assertEquals(n, e.variables().get("min_len").longValue());
                        assertEquals(2, spec.variables().get("verdict").longValue());
                    }
                } catch (Throwable x) {
                    failed.set(x);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    @Test
    void globalDataMapsAreNamedFlaggedAndTypedAsLibbpfDoes() {
        Kernel.assumeRoot();
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_globals"));
        try (BpfObject obj = spec.load()) {
            // As bpftool (libbpf 1.1) creates them for this object.
            assertEquals("load_glo.rodata", obj.map(".rodata").info().name());
            assertEquals(
                    MapFlags.RDONLY_PROG | MapFlags.MMAPABLE,
                    obj.map(".rodata").info().flags());
            assertEquals("load_glo.bss", obj.map(".bss").info().name());
            assertEquals(MapFlags.MMAPABLE, obj.map(".bss").info().flags());
            assertEquals("load_glo.data", obj.map(".data").info().name());
            assertEquals(".data.stats", obj.map(".data.stats").info().name());
            assertTrue(obj.map(".rodata").info().btfValueTypeId() != 0);
            assertEquals(
                    spec.maps().get(".rodata").valueType(), obj.map(".rodata").valueType());
            assertEquals(spec, obj.spec().orElseThrow());
        }
    }

    @Test
    void aPerfEventArrayIsSizedForThisMachineAtLoad() {
        Kernel.assumeRoot();
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("perf_emit"));
        assertEquals(0, spec.maps().get("events").maxEntries());
        try (BpfObject obj = spec.load()) {
            assertEquals(
                    io.bpf4j.internal.sys.Cpus.possibleCount(),
                    obj.map("events").info().maxEntries());
        }
    }

    @Test
    void aStackTraceMapSizedBeforeLoadLoads() {
        Kernel.assumeRoot();
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("obj_stack_sized"));
        assertEquals(0, spec.maps().get("stacks").valueSize());
        // As the kernel says: a stack-trace map needs a value size; the tool picks the depth.
        assertThrows(io.bpf4j.BpfException.class, () -> spec.load().close());
        try (BpfObject obj = spec.withValueSize("stacks", 127 * 8).load()) {
            assertEquals(127 * 8, obj.map("stacks").info().valueSize());
            assertTrue(obj.programs().containsKey("sample_stack"));
        }
    }

    @Test
    void autoattachOffInTheSpecLeavesAProgramOutOfAttachAll() {
        Kernel.assumeRoot();
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_tracepoint"));
        String prog = spec.programs().keySet().iterator().next();
        try (BpfObject obj = spec.withAutoattach(prog, false).load()) {
            var result = obj.attachAll();
            assertTrue(result.attached().isEmpty(), result.toString());
            assertEquals(
                    List.of("autoattach is off"),
                    result.skipped().stream().map(s -> s.reason()).toList());
        }
        try (BpfObject obj = spec.load()) {
            assertEquals(1, obj.attachAll().attached().size());
        }
    }

    @Test
    void aMapCanBeReplacedByAnExistingOne() {
        Kernel.assumeRoot();
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_subprogs"));
        try (BpfMap shared = BpfMap.create(MapSpec.builder(MapType.ARRAY)
                        .name("sub_counts")
                        .keySize(4)
                        .valueSize(8)
                        .maxEntries(4)
                        .build());
                BpfObject obj = spec.load(ObjectOptions.DEFAULT.withMapReplacement("sub_counts", shared))) {
            assertEquals(shared.info().id(), obj.map("sub_counts").info().id());
        }
        try (BpfMap wrong = BpfMap.create(MapSpec.builder(MapType.ARRAY)
                .name("sub_counts")
                .keySize(4)
                .valueSize(16)
                .maxEntries(4)
                .build())) {
            Exception e = assertThrows(RuntimeException.class, () -> spec.load(
                            ObjectOptions.DEFAULT.withMapReplacement("sub_counts", wrong))
                    .close());
            assertTrue(e.getMessage().contains("sub_counts"), e.getMessage());
        }
    }
}
