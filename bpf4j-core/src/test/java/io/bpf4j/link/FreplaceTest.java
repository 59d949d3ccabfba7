package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.AttachType;
import io.bpf4j.BpfObject;
import io.bpf4j.ObjectOptions;
import io.bpf4j.ObjectSpec;
import io.bpf4j.Program;
import io.bpf4j.TestRunOptions;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * freplace: an EXT program loaded against a loaded XDP program replaces its global function
 * {@code verdict} (XDP_PASS) while attached, so the XDP program answers XDP_DROP, and answers
 * XDP_PASS again once the link is closed.
 */
class FreplaceTest {
    private static final int XDP_DROP = 1;
    private static final int XDP_PASS = 2;

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static int run(Program p) {
        return p.testRun(TestRunOptions.data(new byte[64])).returnValue();
    }

    @Test
    void extensionReplacesAGlobalFunctionWhileAttached() {
        // freplace programs attach through the same BPF trampoline as fentry: a kernel that
        // refuses fentry programs (this 6.18 host: EPERM) refuses extensions too
        KernelFeature.assumeProgram(AttachType.TRACE_FENTRY);
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("link_freplace"));
        try (BpfObject target = spec.withAutoload("new_verdict", false).load()) {
            Program xdp = target.program("xdp_verdict_target");
            assertEquals(XDP_PASS, run(xdp));
            try (BpfObject ext = spec.withAutoload("xdp_verdict_target", false)
                    .load(ObjectOptions.DEFAULT.withExtensionTarget("new_verdict", xdp))) {
                try (Tracing link = Tracing.attachFreplace(ext.program("new_verdict"), xdp, 0)) {
                    assertEquals(XDP_DROP, run(xdp), "the extension answers in place of verdict()");
                    assertEquals(
                            LinkType.TRACING, link.info().kind(), link.info().toString());
                }
                assertEquals(XDP_PASS, run(xdp), "the original verdict() answers once the link is closed");
            }
        }
    }

    @Test
    void anExtensionWithoutTargetIsRefusedByName() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("link_freplace")).withAutoload("xdp_verdict_target", false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, spec::load);
        assertTrue(
                e.getMessage().contains("new_verdict") && e.getMessage().contains("withExtensionTarget"),
                e.getMessage());
    }
}
