package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.btf.KernelBtf;
import io.bpf4j.btf.Type;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.testing.FdLeakCheck;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loader pipeline end to end on suite objects (through the test-only ELF front end). */
class ObjectLoaderLoadTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    static BpfObject load(String name) throws Exception {
        return ObjectLoader.load(ElfLoadFixture.plan(Kernel.bpfObject(name)), ObjectLoader.Options.DEFAULT);
    }

    @Test
    void globalsAreMapsAndRodataConstantsCanBeSetBeforeLoad() throws Exception {
        // verdict is the first .rodata variable: set it to XDP_DROP (1).
        LoadPlan plan = ElfLoadFixture.plan(Kernel.bpfObject("load_globals"), Map.of(0, new byte[] {1, 0, 0, 0}));
        try (BpfObject obj = ObjectLoader.load(plan, ObjectLoader.Options.DEFAULT)) {
            assertEquals(Set.of("xdp_globals"), obj.programs().keySet());
            assertTrue(
                    obj.maps().keySet().containsAll(Set.of(".rodata", ".data", ".bss", ".data.stats")),
                    obj.maps().keySet().toString());
            Program p = obj.program("xdp_globals");
            assertEquals(
                    1,
                    p.testRun(TestRunOptions.data(new byte[64]).withRepeat(3)).returnValue());
            byte[] bss = GlobalData.read(obj.map(".bss"));
            assertEquals(3, bss[0]); // seen, counted by the program
            byte[] data = GlobalData.read(obj.map(".data"));
            assertEquals(1000 - 3, (data[0] & 0xff) | (data[1] & 0xff) << 8);
            assertTrue(p.info().btfId() > 0, "loaded with the object's BTF");
            assertEquals("load_glo.rodata", obj.map(".rodata").info().name());
            // Global data maps carry the section's DATASEC as their value type, as libbpf makes them.
            assertTrue(
                    obj.map(".rodata").info().btfId() > 0,
                    obj.map(".rodata").info().toString());
            assertTrue(
                    obj.map(".bss").info().btfValueTypeId() > 0,
                    obj.map(".bss").info().toString());
        }
    }

    @Test
    void subprogramsAreLinkedPerProgram() throws Exception {
        try (BpfObject obj = load("load_subprogs")) {
            assertEquals(
                    2,
                    obj.program("xdp_first")
                            .testRun(TestRunOptions.data(new byte[64]))
                            .returnValue());
            assertEquals(
                    2,
                    obj.program("xdp_second")
                            .testRun(TestRunOptions.data(new byte[64]))
                            .returnValue());
            byte[] slot0 = obj.map("sub_counts").lookup(new byte[4]).orElseThrow();
            assertEquals(1, slot0[0]);
        }
    }

    @Test
    void callbacksRunThroughBpfLoop() throws Exception {
        KernelFeature.assume(
                KernelBtf.vmlinux().find("bpf_func_id", Type.Enum.class).orElseThrow().values().stream()
                        .anyMatch(v -> v.name().equals("BPF_FUNC_loop")),
                "the bpf_loop helper (Linux 5.17)",
                "enum bpf_func_id in the kernel's BTF has no BPF_FUNC_loop");
        try (BpfObject obj = load("load_callbacks")) {
            // sum of 0..99 = 4950 and the hash is empty: XDP_PASS
            assertEquals(
                    2,
                    obj.program("xdp_callbacks")
                            .testRun(TestRunOptions.data(new byte[64]))
                            .returnValue());
        }
    }

    @Test
    void tailCallsGoThroughTheFilledProgramArray() throws Exception {
        try (BpfObject obj = load("load_tailcall")) {
            assertEquals(
                    2,
                    obj.program("xdp_dispatch")
                            .testRun(TestRunOptions.data(new byte[64]))
                            .returnValue());
            assertEquals(
                    1,
                    obj.program("xdp_dispatch")
                            .testRun(TestRunOptions.data(new byte[200]))
                            .returnValue());
        }
    }

    @Test
    void mapInMapSlotsHoldTheInnerMaps() throws Exception {
        try (BpfObject obj = load("load_map_in_map")) {
            obj.program("xdp_map_in_map").testRun(TestRunOptions.data(new byte[64]));
            byte[] v = obj.map("inner_b").lookup(new byte[4]).orElseThrow();
            assertEquals(1, v[0]); // slot 1 of outer_array is inner_b
        }
    }

    @Test
    void coreTracingObjectLoads() throws Exception {
        try (BpfObject obj = load("load_core_exec")) {
            assertEquals(ProgramType.TRACEPOINT, obj.program("on_exec").type());
            assertEquals(MapType.RINGBUF, obj.map("exec_events").type());
        }
    }

    @Test
    void btfAttachTargetsResolve() throws Exception {
        try (BpfObject obj = load("load_iter")) {
            assertEquals(ProgramType.TRACING, obj.program("dump_tasks").type());
        }
    }

    @Test
    void kconfigExternsReadTheRunningKernelsConfig() throws Exception {
        try (BpfObject obj = load("load_kconfig")) {
            assertEquals(
                    2,
                    obj.program("xdp_kconfig")
                            .testRun(TestRunOptions.data(new byte[64]))
                            .returnValue());
            java.nio.ByteBuffer out =
                    java.nio.ByteBuffer.wrap(GlobalData.read(obj.map(".bss"))).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            Kconfig k = Kconfig.running();
            assertEquals(Kconfig.linuxKernelVersion(), out.getLong(0));
            assertEquals(k.raw("CONFIG_BPF_SYSCALL").orElseThrow().equals("y") ? 1 : 0, out.getLong(8));
            assertEquals(
                    switch (k.raw("CONFIG_BPF_JIT").orElse("n")) {
                        case "y" -> 1;
                        case "m" -> 2;
                        default -> 0;
                    },
                    out.getLong(16));
            assertEquals(Long.parseLong(k.raw("CONFIG_HZ").orElse("0")), out.getLong(24));
            String local = k.raw("CONFIG_LOCALVERSION").orElse("\"\"");
            assertEquals(local.length() > 2 ? local.charAt(1) : 0, out.getLong(32));
            assertEquals(0, out.getLong(40)); // the __weak option that does not exist
            // As libbpf: read-only to programs, mmap-able (its externs become allocated globals).
            assertEquals(
                    MapFlags.RDONLY_PROG | MapFlags.MMAPABLE,
                    obj.map(".kconfig").info().flags());
        }
    }

    @Test
    void untypedKsymsGetTheirKallsymsAddress() throws Exception {
        // load_ksyms also calls the kfunc bpf_task_from_pid (6.2+)
        KernelFeature.assume(
                KernelBtf.vmlinux().find("bpf_task_from_pid", Type.Func.class).isPresent(),
                "the kfunc bpf_task_from_pid (Linux 6.2)",
                "no FUNC bpf_task_from_pid in the kernel's BTF");
        long addr = Kallsyms.addresses(java.util.List.of("bpf_prog_put")).get("bpf_prog_put");
        try (BpfObject obj = load("load_ksyms")) {
            boolean found = obj.program("ksym_switch").xlatedInstructions().stream()
                    .anyMatch(i -> i.isLoadImm64() && i.constant() == addr);
            assertTrue(found, "the translated program loads bpf_prog_put's address 0x" + Long.toHexString(addr));
        }
    }

    @Test
    void aRejectedProgramLeavesNothingBehind() throws Exception {
        Map<Integer, String> fdsBefore = FdLeakCheck.kernelObjectFds();
        Set<Integer> progsBefore = ids(BpfCmd.PROG_GET_NEXT_ID);
        Set<Integer> mapsBefore = ids(BpfCmd.MAP_GET_NEXT_ID);
        VerifierException e = assertThrows(VerifierException.class, () -> load("load_rejected"));
        assertTrue(e.getMessage().contains("xdp_out_of_bounds"), e.getMessage());
        assertTrue(e.getMessage().contains("load_rejected.bpf.c:"), e.getMessage());
        assertEquals(fdsBefore, FdLeakCheck.kernelObjectFds());
        // Other tests may load concurrently in other JVMs: only our object's names must be gone.
        assertTrue(namesOf(BpfCmd.PROG_GET_NEXT_ID, progsBefore).stream().noneMatch(n -> n.startsWith("xdp_good")));
        assertTrue(namesOf(BpfCmd.MAP_GET_NEXT_ID, mapsBefore).stream().noneMatch(n -> n.equals("rej_values")));
    }

    private static Set<Integer> ids(BpfCmd cmd) {
        Set<Integer> out = new TreeSet<>();
        for (int id = io.bpf4j.internal.sys.Bpf.nextId(cmd, 0);
                id > 0;
                id = io.bpf4j.internal.sys.Bpf.nextId(cmd, id)) {
            out.add(id);
        }
        return out;
    }

    private static Set<String> namesOf(BpfCmd cmd, Set<Integer> except) {
        Set<String> out = new TreeSet<>();
        for (int id : ids(cmd)) {
            if (except.contains(id)) {
                continue;
            }
            try {
                if (cmd == BpfCmd.PROG_GET_NEXT_ID) {
                    try (Program p = Program.fromId(id)) {
                        out.add(p.name());
                    }
                } else {
                    try (BpfMap m = BpfMap.fromId(id)) {
                        out.add(m.name());
                    }
                }
            } catch (BpfException gone) {
                // freed meanwhile
            }
        }
        return out;
    }

    @SuppressWarnings("unused")
    private static void unused() {
        assertArrayEquals(new byte[0], new byte[0]);
    }
}
