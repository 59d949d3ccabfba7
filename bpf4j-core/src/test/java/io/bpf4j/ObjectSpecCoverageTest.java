package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ObjectSpec over objects made to cover the front end: programs across libbpf's section names
 * (spec_everything), every BTF map form, every global section and extern kind, an object without
 * debug info with a legacy maps section (spec_nodebug), and every compiled test object.
 */
class ObjectSpecCoverageTest {

    private static Map<String, ProgramSpec> programs(ObjectSpec s) {
        return s.programs();
    }

    private static Map<String, MapSpec> maps(ObjectSpec s) {
        return s.maps();
    }

    /** Global data sections (maps with initial section contents) by name. */
    private static Map<String, LoadPlan.MapPlan> globals(ObjectSpec s) {
        return s.plan().maps().stream()
                .filter(m -> m.globalSection().isPresent())
                .collect(Collectors.toMap(LoadPlan.MapPlan::name, m -> m, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    @Test
    void everyCompiledTestObjectParses() throws IOException {
        Path dir = Kernel.bpfObject("load_globals").getParent();
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> p.toString().endsWith(".bpf.o")).sorted().toList();
        }
        assertTrue(all.size() >= 26, "expected the loader's suite and the spec objects, found " + all);
        for (Path p : all) {
            ObjectSpec spec = ObjectSpec.read(p);
            assertFalse(spec.programs().isEmpty(), p + " has programs");
            assertFalse(spec.programs().values().iterator().next().license().isEmpty(), p + " has a license");
            assertTrue(
                    spec.toString()
                            .contains(spec.programs().values().iterator().next().name()),
                    spec.toString());
        }
    }

    @Test
    void programsSpanTheSectionTable() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("spec_everything"));
        Map<String, ProgramSpec> p = programs(spec);
        assertEquals(ProgramType.XDP, p.get("spec_xdp_one").type());
        assertEquals(ProgramType.XDP, p.get("spec_tail").type(), "two programs in one section");
        assertEquals("xdp", p.get("spec_tail").sectionName());
        assertEquals(ProgramFlags.XDP_HAS_FRAGS, p.get("spec_frags").flags());
        assertEquals(ProgramType.SCHED_CLS, p.get("spec_tc").type());
        assertEquals(ProgramType.TRACEPOINT, p.get("spec_tp").type());
        assertEquals("syscalls/sys_enter_openat", p.get("spec_tp").attachTo());
        assertEquals(ProgramType.RAW_TRACEPOINT_WRITABLE, p.get("spec_raw_w").type());
        assertEquals(ProgramFlags.SLEEPABLE, p.get("spec_uprobe_s").flags());
        assertEquals(ProgramType.KPROBE, p.get("spec_uretprobe").type());
        assertEquals(ProgramType.TRACING, p.get("spec_fentry_s").type());
        assertEquals(
                AttachType.TRACE_FENTRY, p.get("spec_fentry_s").attachType().orElseThrow());
        assertEquals("do_unlinkat", p.get("spec_fentry_s").attachTo());
        assertEquals(ProgramFlags.SLEEPABLE, p.get("spec_fentry_s").flags());
        assertEquals(AttachType.LSM_MAC, p.get("spec_lsm_s").attachType().orElseThrow());
        assertEquals("task", p.get("spec_iter").attachTo());
        assertEquals(
                AttachType.CGROUP_UDP4_SENDMSG,
                p.get("spec_sendmsg4").attachType().orElseThrow());
        assertEquals(
                AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE,
                p.get("spec_reuseport").attachType().orElseThrow());
        assertEquals("openat", p.get("spec_ksyscall").attachTo());
        assertEquals(14, p.size(), p.keySet().toString());
        assertTrue(spec.plan().functions().stream()
                .anyMatch(f -> f.name().equals("spec_helper") && f.section().equals(".text")));
        assertEquals(0x060c00, p.get("spec_tc").kernelVersion());
        assertEquals("Dual BSD/GPL", p.get("spec_tc").license());
    }

    @Test
    void everyMapDefinitionForm() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("spec_everything"));
        Map<String, MapSpec> m = maps(spec);
        MapSpec typed = m.get("spec_typed");
        assertEquals(MapType.HASH, typed.type());
        assertEquals(4, typed.keySize());
        assertEquals(16, typed.valueSize(), "struct pair is 16 bytes with padding");
        assertEquals(128, typed.maxEntries());
        assertEquals(MapFlags.NO_PREALLOC, typed.flags());
        assertEquals(Pinning.BY_NAME, typed.pinning());
        assertTrue(typed.btfKeyTypeId() > 0 && typed.btfValueTypeId() > 0);
        MapSpec sized = m.get("spec_sized");
        assertEquals(List.of(4, 24, 3), List.of(sized.keySize(), sized.valueSize(), sized.maxEntries()));
        assertEquals(0, sized.btfValueTypeId());
        assertEquals(0, m.get("spec_numa").numaNode().orElseThrow());
        assertEquals(3, m.get("spec_bloom").mapExtra());
        assertEquals(0, m.get("spec_bloom").keySize());
        assertEquals(4096, m.get("spec_events").maxEntries());
        assertEquals(
                0,
                m.get("spec_perf").maxEntries(),
                "a perf event array is sized for this machine's CPUs at load, not in the spec");
        MapSpec outer = m.get("spec_outer");
        assertEquals(MapType.ARRAY_OF_MAPS, outer.type());
        assertEquals(MapType.ARRAY, outer.innerMap().orElseThrow().type());
        assertEquals(2, outer.innerMap().orElseThrow().maxEntries());
        LoadPlan plan = spec.plan();
        Map<String, LoadPlan.MapPlan> plans =
                plan.maps().stream().collect(Collectors.toMap(LoadPlan.MapPlan::name, x -> x));
        assertEquals(
                Map.of(0, "spec_inner_a", 2, "spec_inner_b"),
                plans.get("spec_outer").initialSlots());
        assertEquals(Map.of(1, "spec_tail"), plans.get("spec_jumps").initialSlots());
        assertEquals(MapType.PROG_ARRAY, m.get("spec_jumps").type());
    }

    @Test
    void everyGlobalSectionAndExterns() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("spec_everything"));
        Map<String, LoadPlan.MapPlan> g = globals(spec);
        assertEquals(
                java.util.Set.of(".rodata", ".rodata.names", ".data", ".data.custom", ".bss", ".kconfig"), g.keySet());
        assertEquals(8, g.get(".bss").spec().valueSize());
        // .kconfig externs in libbpf's layout order (alignment, size, name), then .ksyms.
        assertEquals(
                List.of("CONFIG_HZ", "LINUX_KERNEL_VERSION", "bpf_prog_fops"),
                spec.externs().stream().map(ExternSpec::name).toList());
        assertTrue(spec.plan().kconfig().get(0).extern().weak(), "CONFIG_HZ is __weak");
        byte[] rodata = globals(spec.withConstant("spec_rodata", 11))
                .get(".rodata")
                .globalSection()
                .orElseThrow();
        assertEquals(11, rodata[0]);
        assertThrows(IllegalArgumentException.class, () -> spec.withConstant("no_such", 1));
    }

    @Test
    void objectWithoutDebugInfo() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("spec_nodebug"));
        assertEquals(0, spec.plan().btf().length);
        MapSpec legacy = maps(spec).get("nodebug_counts");
        assertEquals(List.of(4, 8, 4), List.of(legacy.keySize(), legacy.valueSize(), legacy.maxEntries()));
        assertEquals(MapType.ARRAY, legacy.type());
        assertEquals(List.of(".bss"), List.copyOf(globals(spec).keySet()));
        assertEquals(
                ProgramType.SOCKET_FILTER,
                spec.programs().values().iterator().next().type());
    }

    @Test
    void loadsThroughObjectSpec() throws Exception {
        Kernel.assumeRoot();
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_globals")).withConstant("verdict", 1 /* XDP_DROP */);
        try (BpfObject obj = spec.load()) {
            assertTrue(obj.findProgram("xdp_globals").isPresent());
            assertTrue(obj.findMap(".rodata").isPresent());
        }
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("spec_nodebug")).load()) {
            assertEquals(4, obj.map("nodebug_counts").maxEntries());
            assertTrue(obj.findProgram("nodebug_count").isPresent());
        }
    }

    @Test
    void readsFromBytesAndResources() throws IOException {
        byte[] raw = Files.readAllBytes(Kernel.bpfObject("load_globals"));
        assertEquals("mine", ObjectSpec.read(raw, "mine.bpf.o").name());
        assertEquals(
                "load_globals",
                ObjectSpec.readResource("/bpf/load_globals.bpf.o").name());
        Exception e =
                assertThrows(java.io.UncheckedIOException.class, () -> ObjectSpec.readResource("/bpf/none.bpf.o"));
        assertTrue(e.getMessage().contains("none.bpf.o"), e.getMessage());
    }

    @Test
    void refusesWrongKindsOfFile() throws IOException {
        byte[] good = Files.readAllBytes(Kernel.bpfObject("load_globals"));
        byte[] big = good.clone();
        big[5] = 2;
        assertTrue(assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(big, "big"))
                .getMessage()
                .contains("big-endian"));
        byte[] elf32 = good.clone();
        elf32[4] = 1;
        assertTrue(assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(elf32, "elf32"))
                .getMessage()
                .contains("32-bit"));
        byte[] x86 = good.clone();
        x86[18] = 62;
        x86[19] = 0;
        assertTrue(assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(x86, "x86"))
                .getMessage()
                .contains("not BPF"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        ObjectFormatException t =
                assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(truncated, "truncated"));
        assertTrue(t.getMessage().contains("offset"), t.getMessage());
        assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(new byte[0], "empty"));
        assertThrows(
                ObjectFormatException.class,
                () -> ObjectSpec.read(Files.readAllBytes(Path.of("/bin/true")), "/bin/true"));
    }
}
