package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bpf4j.AttachType;
import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Reg;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import io.bpf4j.testing.TestNet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TCX ordering: before/after a program or a link, checked with the kernel's own BPF_PROG_QUERY. */
class TcxOrderTest {
    private static final int TCX_NEXT = -1;

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static Program next(String name) {
        return Program.load(ProgramSpec.builder(name, ProgramType.SCHED_CLS)
                .attachType(AttachType.TCX_INGRESS)
                .license("GPL")
                .instructions(List.of(Instruction.mov64Imm(Reg.R0, TCX_NEXT), Instruction.exit()))
                .build());
    }

    @Test
    // lc is closed inside its try on purpose (close is idempotent): the test checks that closing a
    // link takes its program out of the chain while the others stay.
    @SuppressWarnings("try")
    void programsRunInTheOrderAsked() {
        try (TestNet net = new TestNet();
                Program a = next("tcx_a");
                Program b = next("tcx_b");
                Program c = next("tcx_c");
                Program d = next("tcx_d")) {
            NetworkNamespace ns = NetworkNamespace.named(net.b);
            int ifindex = ns.run(() -> Xdp.ifindex("veth-b"));
            var in = Tcx.Direction.INGRESS;
            Tcx first;
            try {
                first = ns.run(() -> Tcx.attach(a, ifindex, in, Tcx.Order.last()));
            } catch (NotSupportedException e) {
                KernelFeature.assume(false, "TCX links (Linux 6.6)", e.getMessage());
                return;
            }
            try (var la = first;
                    var _ = ns.run(() -> Tcx.attach(b, ifindex, in, Tcx.Order.before(la)));
                    var lc = ns.run(() -> Tcx.attach(c, ifindex, in, Tcx.Order.after(b)));
                    var _ = ns.run(() -> Tcx.attach(d, ifindex, in, Tcx.Order.first()))) {
                List<Integer> order = ns.run(() -> Tcx.programIds(ifindex, in));
                assertEquals(
                        List.of(
                                d.info().id(),
                                b.info().id(),
                                c.info().id(),
                                a.info().id()),
                        order);
                lc.close();
                assertEquals(
                        List.of(d.info().id(), b.info().id(), a.info().id()),
                        ns.run(() -> Tcx.programIds(ifindex, in)),
                        "closing a link takes its program out of the chain");
            }
            assertEquals(List.of(), ns.run(() -> Tcx.programIds(ifindex, in)));
        }
    }
}
