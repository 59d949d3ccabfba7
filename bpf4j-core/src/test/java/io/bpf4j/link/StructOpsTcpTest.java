package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.BpfObject;
import io.bpf4j.MapFlags;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.ObjectSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.StructOpsSpec;
import io.bpf4j.VariableSpec;
import io.bpf4j.features.StructOpsFeatures;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * struct_ops end to end: a Reno written in BPF (src/test/bpf/struct_ops_tcp.bpf.c) registered as
 * a TCP congestion control under a name unique to this run, through a BPF link and through the
 * legacy map update; a loopback connection chooses it with setsockopt(TCP_CONGESTION) and its
 * callbacks count; closing unregisters it (the name leaves tcp_available_congestion_control).
 */
class StructOpsTcpTest {
    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");

    private static ObjectSpec read() {
        return ObjectSpec.read(Kernel.bpfObject("struct_ops_tcp"));
    }

    /** A congestion control name no other test or run uses (TCP_CA_NAME_MAX is 16 with the NUL). */
    private static String uniqueName(String prefix) {
        return prefix
                + Long.toString(ProcessHandle.current().pid() % 100_000, 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    }

    private static List<String> available() throws Exception {
        return List.of(Files.readString(AVAILABLE).trim().split("\\s+"));
    }

    private static void assumeTcpStructOps() {
        Kernel.assumeRoot();
        KernelFeature.assume(
                () -> StructOpsFeatures.supports("tcp_congestion_ops", "ssthresh"),
                "struct_ops TCP congestion control",
                () -> StructOpsFeatures.reason("tcp_congestion_ops", "ssthresh"));
    }

    private static void assumeLinks() {
        KernelFeature.assume(
                StructOpsFeatures::supportsLinks,
                "struct_ops links (Linux 6.4)",
                () -> "enum bpf_attach_type in the kernel's BTF has no BPF_STRUCT_OPS");
    }

    /** The object; before struct_ops links (6.4) its .struct_ops.link map registers by map update too. */
    private static ObjectSpec readForThisKernel() {
        ObjectSpec s = read();
        return StructOpsFeatures.supportsLinks() ? s : s.withMapFlags("b4j_reno", 0);
    }

    private static long counter(BpfObject obj, ObjectSpec spec, String name) {
        VariableSpec v = spec.variables().get(name);
        byte[] bss = obj.map(v.section()).lookup(new byte[4]).orElseThrow();
        return ByteBuffer.wrap(bss).order(ByteOrder.LITTLE_ENDIAN).getLong(v.offset());
    }

    @Test
    void readsStructOpsVariablesIntoTheSpec() {
        ObjectSpec spec = read();
        Map<String, StructOpsSpec> ops = spec.structOps();
        assertEquals(java.util.Set.of("b4j_reno", "b4j_reno_legacy"), ops.keySet());
        StructOpsSpec reno = ops.get("b4j_reno");
        assertTrue(reno.link());
        assertFalse(ops.get("b4j_reno_legacy").link());
        assertEquals("tcp_congestion_ops", reno.type().btf().name(reno.type().id()));
        assertEquals(
                Map.of(
                        "init",
                        "b4j_init",
                        "ssthresh",
                        "b4j_ssthresh",
                        "cong_avoid",
                        "b4j_cong_avoid",
                        "undo_cwnd",
                        "b4j_undo_cwnd"),
                reno.programs());
        MapSpec map = spec.maps().get("b4j_reno");
        assertEquals(MapType.STRUCT_OPS, map.type());
        assertEquals(MapFlags.LINK, map.flags() & MapFlags.LINK);
        assertEquals(0, spec.maps().get("b4j_reno_legacy").flags() & MapFlags.LINK);
        assertEquals(reno.data().length, map.valueSize());
        assertEquals(
                ProgramType.STRUCT_OPS,
                spec.program("b4j_ssthresh").orElseThrow().type());

        ObjectSpec named = spec.withStructOpsMember("b4j_reno", "name", "renamed")
                .withStructOpsMember("b4j_reno", "undo_cwnd", "b4j_ssthresh");
        StructOpsSpec edited = named.structOps().get("b4j_reno");
        assertEquals("b4j_ssthresh", edited.programs().get("undo_cwnd"));
        assertTrue(new String(edited.data(), java.nio.charset.StandardCharsets.US_ASCII).contains("renamed\0"));
        assertEquals(
                "b4j_reno",
                new String(reno.data(), java.nio.charset.StandardCharsets.US_ASCII)
                        .replaceAll("(?s).*(b4j_reno)\0.*", "$1"),
                "the spec read before the edit is unchanged");

        IllegalArgumentException noMember = assertThrows(
                IllegalArgumentException.class, () -> spec.withStructOpsMember("b4j_reno", "no_such_member", 1));
        assertTrue(
                noMember.getMessage().contains("no_such_member")
                        && noMember.getMessage().contains("cong_avoid"),
                noMember.getMessage());
        IllegalArgumentException tooLong = assertThrows(
                IllegalArgumentException.class,
                () -> spec.withStructOpsMember("b4j_reno", "name", "a name longer than sixteen bytes"));
        assertTrue(tooLong.getMessage().contains("b4j_reno.name"), tooLong.getMessage());
        IllegalArgumentException notStructOps =
                assertThrows(IllegalArgumentException.class, () -> spec.withStructOpsMember("nope", "name", "x"));
        assertTrue(notStructOps.getMessage().contains("b4j_reno_legacy"), notStructOps.getMessage());
    }

    @Test
    void renoChosenBySetsockoptCountsItsCallbacksUntilClosed() throws Exception {
        assumeTcpStructOps();
        String linked = uniqueName("b4jl");
        String legacy = uniqueName("b4jm");
        ObjectSpec spec = readForThisKernel()
                .withStructOpsMember("b4j_reno", "name", linked)
                .withStructOpsMember("b4j_reno_legacy", "name", legacy);
        try (BpfObject obj = spec.load()) {
            assertEquals(java.util.Set.of("b4j_reno", "b4j_reno_legacy"), java.util.Set.copyOf(obj.structOpsMaps()));
            assertFalse(available().contains(linked), "registered before attachAll");
            AttachAll.Result r = obj.attachAll();
            boolean links = StructOpsFeatures.supportsLinks();
            assertTrue(r.link("b4j_reno").orElseThrow() instanceof StructOps == links, r.toString());
            assertTrue(r.link("b4j_reno_legacy").orElseThrow() instanceof StructOpsRegistration, r.toString());
            assertTrue(r.skipped().stream().anyMatch(s -> s.program().equals("b4j_init")), r.toString());
            assertTrue(
                    available().contains(linked) && available().contains(legacy),
                    available().toString());
            if (links) {
                LinkInfo info = ((StructOps) r.link("b4j_reno").orElseThrow()).info();
                assertEquals(LinkType.STRUCT_OPS, info.kind(), info.toString());
            }

            for (String cc : List.of(linked, legacy)) {
                long initBefore = counter(obj, spec, "init_calls");
                long avoidBefore = counter(obj, spec, "cong_avoid_calls");
                try (TcpLoopback tcp = new TcpLoopback(cc)) {
                    assertEquals(cc, tcp.congestionControl());
                    tcp.send(8 << 20);
                }
                assertTrue(counter(obj, spec, "init_calls") > initBefore, cc + ": init never ran");
                assertTrue(counter(obj, spec, "cong_avoid_calls") > avoidBefore, cc + ": cong_avoid never ran");
            }

            // closed after the map's handle: the kernel still holds the registered map
            obj.map("b4j_reno_legacy").close();
            r.link("b4j_reno_legacy").orElseThrow().close();
            assertFalse(available().contains(legacy), "the legacy registration outlived its close");
            assertTrue(available().contains(linked));
        }
        assertFalse(available().contains(linked), "closing the object left " + linked + " registered");
    }

    @Test
    void membersMatchTheKernelsByNameAndASetMemberItLacksIsRefused() throws Exception {
        assumeTcpStructOps();
        assumeLinks();
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("struct_ops_flavor"));
        BpfException e = assertThrows(BpfException.class, () -> spec.load().close());
        assertTrue(
                e.getMessage().contains("b4j_flavor")
                        && e.getMessage().contains("b4j_extra")
                        && e.getMessage().contains("tcp_congestion_ops"),
                e.getMessage());
        String name = uniqueName("b4jf");
        ObjectSpec zeroed =
                spec.withStructOpsMember("b4j_flavor", "b4j_extra", 0).withStructOpsMember("b4j_flavor", "name", name);
        try (BpfObject obj = zeroed.load();
                Link _ = StructOps.register(obj, "b4j_flavor")) {
            assertTrue(available().contains(name), "the flavor, laid out by member name, did not register");
        }
        assertFalse(available().contains(name));
    }

    @Test
    void linkUpdateSwapsInAnotherObjectsMapUnderTheSameName() throws Exception {
        assumeTcpStructOps();
        assumeLinks();
        String name = uniqueName("b4ju");
        ObjectSpec spec = read().withStructOpsMember("b4j_reno", "name", name);
        try (BpfObject first = spec.load();
                BpfObject second = spec.load()) {
            StructOps link = (StructOps) StructOps.register(first, "b4j_reno");
            assertTrue(available().contains(name));
            StructOps.prepare(
                    second.map("b4j_reno"), second.structOpsValue("b4j_reno").orElseThrow());
            link.update(second.map("b4j_reno"));
            assertTrue(available().contains(name), "the name left while the link swapped maps");
            long before = counter(first, spec, "init_calls");
            try (TcpLoopback tcp = new TcpLoopback(name)) {
                tcp.send(1 << 20);
            }
            assertEquals(before, counter(first, spec, "init_calls"), "the replaced map's programs still ran");
            assertTrue(counter(second, spec, "init_calls") > 0, "the new map's programs never ran");
            link.close();
            assertFalse(available().contains(name));
        }
    }

    @Test
    void aNameTheKernelHasAlreadyIsRefusedWithEexistAndNothingStays() throws Exception {
        assumeTcpStructOps();
        String legacy = uniqueName("b4jx");
        ObjectSpec spec = readForThisKernel()
                .withStructOpsMember("b4j_reno", "name", "reno")
                .withStructOpsMember("b4j_reno_legacy", "name", legacy);
        try (BpfObject obj = spec.load()) {
            Link first = StructOps.register(obj, "b4j_reno_legacy");
            assertTrue(available().contains(legacy));
            AttachException e = assertThrows(AttachException.class, obj::attachAll);
            assertTrue(e.getMessage().contains("b4j_reno"), e.getMessage());
            Throwable cause = e.getCause();
            assertTrue(
                    cause instanceof BpfException
                            && String.valueOf(cause.getMessage()).contains("EEXIST"),
                    String.valueOf(cause));
            first.close();
            assertFalse(available().contains(legacy));
        }
    }
}
