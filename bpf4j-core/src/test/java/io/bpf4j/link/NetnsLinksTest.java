package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.TestNet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** sk_lookup on a test namespace sees exactly the UDP datagrams sent into it, until closed. */
class NetnsLinksTest {
    private static final int SK_PASS = 1;

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static Program counting(String name, BpfMap counter) {
        return Program.load(ProgramSpec.builder(name, ProgramType.SK_LOOKUP)
                .attachType(AttachType.SK_LOOKUP)
                .license("GPL")
                .instructions(CounterPrograms.filter().count(counter, SK_PASS))
                .build());
    }

    private static void sendUdp(TestNet net, int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(0, TestNet.run("ip netns exec " + net.a + " bash -c 'echo x > /dev/udp/" + net.addrB + "/9'"));
        }
    }

    @Test
    void skLookupCountsDatagramsIntoTheNamespace() {
        try (TestNet net = new TestNet();
                BpfMap counter = CounterPrograms.newCounter("skl_count");
                Program prog = counting("skl_count", counter)) {
            try (var link = NetnsLink.skLookup(prog, NetworkNamespace.named(net.b))) {
                assertEquals(LinkType.NETNS, link.info().kind());
                sendUdp(net, 3);
                assertEquals(3, CounterPrograms.read(counter));
            }
            sendUdp(net, 2);
            assertEquals(3, CounterPrograms.read(counter), "the program ran after its link was closed");
        }
    }

    @Test
    void missingNamespaceIsNamed() {
        try (BpfMap counter = CounterPrograms.newCounter("skl_none");
                Program prog = counting("skl_none", counter)) {
            BpfException e = assertThrows(
                    BpfException.class, () -> NetnsLink.skLookup(prog, NetworkNamespace.named("bpf4j_no_such_ns_x")));
            assertTrue(e.getMessage().contains("bpf4j_no_such_ns_x"), e.getMessage());
        }
    }
}
