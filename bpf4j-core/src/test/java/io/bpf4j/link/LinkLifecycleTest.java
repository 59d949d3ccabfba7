package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TypedMap;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.TestNet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A live XDP link: its info, its program replaced without a gap (LINK_UPDATE), then detached (LINK_DETACH). */
class LinkLifecycleTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void xdpLinkIsDescribedUpdatedAndDetached() {
        try (TestNet net = new TestNet();
                BpfObject obj = ObjectSpec.read(Kernel.bpfObject("link_net")).load()) {
            TypedMap<Integer, Long> packets = TypedMap.of(obj.map("packets"), Codecs.s32(), Codecs.s64());
            NetworkNamespace nsB = NetworkNamespace.named(net.b);
            try (var link = nsB.run(() -> Xdp.attach(obj.program("xdp_count"), "veth-b", Xdp.Mode.DEFAULT))) {
                LinkInfo info = link.info();
                assertEquals(LinkType.XDP, info.kind());
                assertEquals(obj.program("xdp_count").info().id(), info.programId());

                assertTrue(net.pingBFromA(2), "the counting program passes packets");
                link.update(obj.program("xdp_drop"));
                assertEquals(obj.program("xdp_drop").info().id(), link.info().programId());
                assertFalse(net.pingBFromA(2), "after LINK_UPDATE the dropping program runs");
                long dropped = packets.get(1).orElseThrow();
                assertTrue(dropped >= 2, "xdp_drop saw " + dropped);

                link.detach();
                assertFalse(link.isClosed());
                assertTrue(net.pingBFromA(1), "a detached link runs no program");
                assertEquals(dropped, packets.get(1).orElseThrow(), "the dropper ran after detach");
            }
        }
    }
}
