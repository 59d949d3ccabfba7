package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TypedMap;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import io.bpf4j.testing.TestNet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** XDP, TCX and cgroup links on a veth pair between two namespaces the test makes. */
class NetworkLinksTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static TypedMap<Integer, Long> packets(BpfObject obj) {
        return TypedMap.of(obj.map("packets"), Codecs.s32(), Codecs.s64());
    }

    @Test
    void xdpCountsThenDropsRealPacketsInsideANamespace() {
        try (TestNet net = new TestNet();
                BpfObject obj = ObjectSpec.read(Kernel.bpfObject("link_net")).load()) {
            NetworkNamespace nsB = NetworkNamespace.named(net.b);
            assertTrue(net.pingBFromA(1), "the test network works before any program");
            try (var _ = nsB.run(() -> Xdp.attach(obj.program("xdp_count"), "veth-b", Xdp.Mode.DEFAULT))) {
                assertTrue(net.pingBFromA(3));
                assertTrue(
                        packets(obj).get(0).orElseThrow() >= 3,
                        "xdp saw " + packets(obj).get(0));
            }
            try (var _ = nsB.run(() -> Xdp.attach(obj.program("xdp_drop"), "veth-b", Xdp.Mode.DEFAULT))) {
                assertFalse(net.pingBFromA(2), "pings are dropped");
                assertTrue(packets(obj).get(1).orElseThrow() >= 2);
            }
            assertTrue(net.pingBFromA(1), "closing the link detached the dropper");
            try (var swap = nsB.run(() -> Xdp.attach(obj.program("xdp_count"), "veth-b", Xdp.Mode.DEFAULT))) {
                swap.update(obj.program("xdp_drop"));
                assertFalse(net.pingBFromA(1), "the link now runs the dropper");
                assertEquals(obj.program("xdp_drop").info().id(), swap.info().programId());
            }
            BpfException e = assertThrows(
                    BpfException.class,
                    () -> nsB.run(() -> Xdp.attach(obj.program("xdp_count"), "no-such-if", Xdp.Mode.DEFAULT)));
            assertTrue(e.getMessage().contains("no-such-if"), e.getMessage());
        }
    }

    @Test
    void tcxIngressCountsPackets() {
        try (TestNet net = new TestNet();
                BpfObject obj = ObjectSpec.read(Kernel.bpfObject("link_net")).load()) {
            NetworkNamespace nsB = NetworkNamespace.named(net.b);
            Tcx tcx;
            try {
                tcx = nsB.run(
                        () -> Tcx.attach(obj.program("tcx_count"), "veth-b", Tcx.Direction.INGRESS, Tcx.Order.last()));
            } catch (io.bpf4j.NotSupportedException e) {
                KernelFeature.assume(false, "TCX links (Linux 6.6)", e.getMessage());
                return;
            }
            try (var _ = tcx) {
                assertTrue(net.pingBFromA(3));
                assertTrue(
                        packets(obj).get(2).orElseThrow() >= 3,
                        "tcx saw " + packets(obj).get(2));
            }
        }
    }

    @Test
    void legacyTcFilterCountsAndCleansUp() {
        try (TestNet net = new TestNet();
                BpfObject obj = ObjectSpec.read(Kernel.bpfObject("link_net")).load()) {
            NetworkNamespace nsB = NetworkNamespace.named(net.b);
            TcFilter f =
                    nsB.run(() -> TcFilter.attach(obj.program("tc_legacy_count"), "veth-b", Tcx.Direction.INGRESS, 1));
            try {
                assertTrue(net.pingBFromA(3));
                assertTrue(
                        packets(obj).get(4).orElseThrow() >= 3,
                        "tc saw " + packets(obj).get(4));
                assertEquals(
                        0,
                        TestNet.run("ip netns exec " + net.b
                                + " tc filter show dev veth-b ingress | grep -q tc_legacy_count"),
                        "tc itself lists the filter");
            } finally {
                f.close();
                f.close();
            }
            long after = packets(obj).get(4).orElseThrow();
            assertTrue(net.pingBFromA(2));
            assertEquals(after, packets(obj).get(4).orElseThrow(), "the filter is gone");
            assertTrue(
                    TestNet.run("ip netns exec " + net.b + " tc qdisc show dev veth-b | grep -q clsact") != 0,
                    "the clsact qdisc this attachment made is gone");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> nsB.run(
                            () -> TcFilter.attach(obj.program("tc_legacy_count"), "veth-b", Tcx.Direction.INGRESS, 0)));
        }
    }

    @Test
    void cgroupEgressCountsPacketsOfAChildCgroup() throws Exception {
        Path root = Path.of("/sys/fs/cgroup/unified");
        Assumptions.assumeTrue(Files.isDirectory(root), "no cgroup v2 at " + root);
        Path cg = root.resolve("bpf4j_test_" + ProcessHandle.current().pid());
        Files.createDirectories(cg);
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("link_net")).load();
                var _ = Cgroup.attach(obj.program("cgroup_egress"), cg, AttachType.CGROUP_INET_EGRESS)) {
            // A shell that moves itself into the cgroup, then sends three pings on loopback.
            int rc = TestNet.run("echo $$ > " + cg.resolve("cgroup.procs") + " && ping -c 3 -i 0.2 -W 1 127.0.0.1");
            assertEquals(0, rc);
            assertTrue(
                    packets(obj).get(3).orElseThrow() >= 3,
                    "cgroup egress saw " + packets(obj).get(3));
        } finally {
            Files.deleteIfExists(cg);
        }
    }
}
