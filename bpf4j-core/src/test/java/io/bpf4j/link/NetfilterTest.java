package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.AttachType;
import io.bpf4j.BpfMap;
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
            // Probe, as the kernel tells: the program type in its BTF's enum bpf_prog_type (6.4),
            // and netfilter links built in (bpf_nf_link_attach, CONFIG_NETFILTER_BPF_LINK).
            io.bpf4j.btf.Btf kernel = io.bpf4j.btf.KernelBtf.vmlinux();
            boolean type = kernel.find("bpf_prog_type", io.bpf4j.btf.Type.Enum.class)
                    .map(en -> en.values().stream().anyMatch(v -> v.name().equals("BPF_PROG_TYPE_NETFILTER")))
                    .orElse(false);
            KernelFeature.assume(type, "NETFILTER programs", "kernel BTF has no BPF_PROG_TYPE_NETFILTER (6.4)");
            KernelFeature.assume(
                    !kernel.idsByName("bpf_nf_link_attach").isEmpty(),
                    "netfilter links",
                    "kernel BTF has no bpf_nf_link_attach (built without CONFIG_NETFILTER_BPF_LINK)");
            Program prog = Program.load(spec);
            try (prog) {
                run(net, counter, prog);
            }
        }
    }

    private static void run(TestNet net, BpfMap counter, Program prog) {
        NetworkNamespace ns = NetworkNamespace.named(net.b);
        Netfilter link = ns.run(() -> Netfilter.attach(prog, Netfilter.Family.IPV4, Netfilter.Hook.LOCAL_IN, -100));
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
