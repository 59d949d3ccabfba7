package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Edits before load: constants, sizes, autoload, an existing map, pinned maps. */
class PlanEditsLoadTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    static int run(BpfObject o, String prog, int len) {
        return o.program(prog).testRun(TestRunOptions.data(new byte[len])).returnValue();
    }

    @Test
    void constantsAreTypedAndChecked() throws Exception {
        LoadPlan plan = ElfLoadFixture.plan(Kernel.bpfObject("load_globals"));
        try (BpfObject o = ObjectLoader.load(plan.withConstant("verdict", 1), ObjectLoader.Options.DEFAULT)) {
            assertEquals(1, run(o, "xdp_globals", 64)); // XDP_DROP
        }
        try (BpfObject o = ObjectLoader.load(plan.withConstant("greeting", "bye"), ObjectLoader.Options.DEFAULT)) {
            assertEquals(0, run(o, "xdp_globals", 64)); // greeting[0] != 'h': XDP_ABORTED
        }
        try (BpfObject o = ObjectLoader.load(plan.withConstant("min_len", 100L), ObjectLoader.Options.DEFAULT)) {
            run(o, "xdp_globals", 64);
            byte[] stats = GlobalData.read(o.map(".data.stats"));
            assertEquals(1, stats[8]); // short_packets
        }
        IllegalArgumentException type =
                assertThrows(IllegalArgumentException.class, () -> plan.withConstant("verdict", "x"));
        assertTrue(type.getMessage().contains("verdict") && type.getMessage().contains("__u32"), type.getMessage());
        IllegalArgumentException range =
                assertThrows(IllegalArgumentException.class, () -> plan.withConstant("verdict", 1L << 40));
        assertTrue(range.getMessage().contains("out of range"), range.getMessage());
        IllegalArgumentException tooLong =
                assertThrows(IllegalArgumentException.class, () -> plan.withConstant("greeting", "much too long"));
        assertTrue(tooLong.getMessage().contains("do not fit"), tooLong.getMessage());
        IllegalArgumentException none =
                assertThrows(IllegalArgumentException.class, () -> plan.withConstant("nope", 1));
        assertTrue(none.getMessage().contains("verdict") && none.getMessage().contains("min_len"), none.getMessage());
    }

    @Test
    void resizeAutoloadAndAnExistingMap() throws Exception {
        LoadPlan plan = ElfLoadFixture.plan(Kernel.bpfObject("load_subprogs"));
        try (BpfMap mine = BpfMap.create(MapSpec.builder(MapType.ARRAY)
                        .name("mine")
                        .keySize(4)
                        .valueSize(8)
                        .maxEntries(4)
                        .build());
                BpfObject o = ObjectLoader.load(
                        plan.withAutoload("xdp_second", false).withMapFd("sub_counts", mine.fd()),
                        ObjectLoader.Options.DEFAULT)) {
            assertEquals(Set.of("xdp_first"), o.programs().keySet());
            run(o, "xdp_first", 64);
            assertEquals(1, mine.lookup(new byte[4]).orElseThrow()[0]);
        }
        try (BpfObject o = ObjectLoader.load(plan.withMaxEntries("sub_counts", 16), ObjectLoader.Options.DEFAULT)) {
            assertEquals(16, o.map("sub_counts").info().maxEntries());
        }
        assertThrows(IllegalArgumentException.class, () -> plan.withAutoload("nope", false));
        BpfException mismatch;
        try (BpfMap wrong = BpfMap.create(MapSpec.builder(MapType.ARRAY)
                .name("wrong")
                .keySize(4)
                .valueSize(4)
                .maxEntries(4)
                .build())) {
            mismatch = assertThrows(
                    BpfException.class,
                    () -> ObjectLoader.load(plan.withMapFd("sub_counts", wrong.fd()), ObjectLoader.Options.DEFAULT));
        }
        assertTrue(mismatch.getMessage().contains("value size 4 vs 8"), mismatch.getMessage());
    }

    @Test
    void programTypeAndAttachTargetCanChange() throws Exception {
        LoadPlan plan = ElfLoadFixture.plan(Kernel.bpfObject("load_core_values"));
        LoadPlan asXdp = plan.withProgramType("v_offset", ProgramType.XDP, java.util.Optional.empty(), "");
        for (String other : new String[] {
            "v_array",
            "v_bitfield",
            "v_bitfield_off",
            "v_enum",
            "v_exists",
            "v_flavor",
            "v_guarded",
            "v_nested",
            "v_signed",
            "v_size",
            "v_type_id",
            "v_type_size",
            "v_types"
        }) {
            asXdp = asXdp.withAutoload(other, false);
        }
        try (BpfObject o = ObjectLoader.load(asXdp, ObjectLoader.Options.DEFAULT)) {
            Program p = o.program("v_offset");
            assertEquals(ProgramType.XDP, p.type());
            assertTrue(run(o, "v_offset", 64) > 0); // a field offset, now returned by an XDP program
        }
        LoadPlan badTarget = ElfLoadFixture.plan(Kernel.bpfObject("load_iter"))
                .withProgramType(
                        "dump_tasks", ProgramType.TRACING, java.util.Optional.of(AttachType.TRACE_ITER), "bpf4j_nope");
        BpfException e =
                assertThrows(BpfException.class, () -> ObjectLoader.load(badTarget, ObjectLoader.Options.DEFAULT));
        assertTrue(e.getMessage().contains("bpf_iter_bpf4j_nope"), e.getMessage());
    }

    @Test
    void pinnedByNameMapsAreReusedAndCheckedForCompatibility() throws Exception {
        Path dir =
                Kernel.bpffs().resolve("bpf4j_loader_" + ProcessHandle.current().pid() + "_pins");
        Files.createDirectories(dir);
        ObjectLoader.Options opts = new ObjectLoader.Options(dir, 0);
        LoadPlan plan =
                ElfLoadFixture.plan(Kernel.bpfObject("load_subprogs")).withPinning("sub_counts", Pinning.BY_NAME);
        try {
            int firstId;
            try (BpfObject o = ObjectLoader.load(plan, opts)) {
                assertTrue(Files.exists(dir.resolve("sub_counts")));
                firstId = o.map("sub_counts").info().id();
                run(o, "xdp_first", 64);
            }
            try (BpfObject o = ObjectLoader.load(plan, opts)) {
                assertEquals(firstId, o.map("sub_counts").info().id());
                assertEquals(1, o.map("sub_counts").lookup(new byte[4]).orElseThrow()[0]); // state kept in the pin
            }
            BpfException e = assertThrows(
                    BpfException.class, () -> ObjectLoader.load(plan.withMaxEntries("sub_counts", 8), opts));
            // A failed load removes the pins it made (and only those).
            LoadPlan rejected =
                    ElfLoadFixture.plan(Kernel.bpfObject("load_rejected")).withPinning("rej_values", Pinning.BY_NAME);
            assertThrows(VerifierException.class, () -> ObjectLoader.load(rejected, opts));
            assertTrue(!Files.exists(dir.resolve("rej_values")));
            assertTrue(Files.exists(dir.resolve("sub_counts")));
            assertTrue(
                    e.getMessage().contains("max_entries 4 vs 8")
                            && e.getMessage().contains(dir.toString()),
                    e.getMessage());
        } finally {
            Files.deleteIfExists(dir.resolve("sub_counts"));
            Files.deleteIfExists(dir);
        }
    }
}
