package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.AttachType;
import io.bpf4j.BpfMap;
import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import io.bpf4j.testing.TestNet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A netfilter link inside a test namespace counts the pings it receives, then stops when closed. */
class NetfilterTest {
    private static final int NF_ACCEPT = 1;

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void localInCountsPingsUntilClosed() {
        try (TestNet net = new TestNet();
                BpfMap counter = CounterPrograms.newCounter("nf_count")) {
            ProgramSpec spec = ProgramSpec.builder("nf_count", ProgramType.NETFILTER)
                    .attachType(AttachType.NETFILTER)
                    .license("GPL")
                    .instructions(CounterPrograms.filter().count(counter, NF_ACCEPT))
                    .build();
            Program prog;
            try {
                prog = Program.load(spec);
            } catch (NotSupportedException e) {
                // thrown only when the kernel's own BTF has no BPF_PROG_TYPE_NETFILTER (before 6.4)
                assertTrue(
                        e.getMessage().contains("NETFILTER") && e.getMessage().contains("nf_count"), e.getMessage());
                assertEquals(java.util.Optional.of("6.4"), e.since(), e.getMessage());
                KernelFeature.assume(false, "NETFILTER programs", e.getMessage());
                return;
            }
            try (prog) {
                run(net, counter, prog);
            }
        }
    }

    private static void run(TestNet net, BpfMap counter, Program prog) {
        NetworkNamespace ns = NetworkNamespace.named(net.b);
        Netfilter link;
        try {
            link = ns.run(() -> Netfilter.attach(prog, Netfilter.Family.IPV4, Netfilter.Hook.LOCAL_IN, -100));
        } catch (NotSupportedException e) {
            // EOPNOTSUPP: the kernel itself says it has no netfilter links (an EINVAL would be a BpfException)
            KernelFeature.assume(false, "netfilter links", e.getMessage());
            return;
        }
        try (link) {
            assertEquals(LinkType.NETFILTER, link.info().kind());
            assertTrue(net.pingBFromA(3), "NF_ACCEPT lets the pings through");
            assertTrue(CounterPrograms.read(counter) >= 3, "saw " + CounterPrograms.read(counter));
        }
        long seen = CounterPrograms.read(counter);
        assertTrue(net.pingBFromA(2));
        assertEquals(seen, CounterPrograms.read(counter), "the program ran after its link was closed");
    }
}
