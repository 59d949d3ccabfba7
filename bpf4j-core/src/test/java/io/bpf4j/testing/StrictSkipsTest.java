package io.bpf4j.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.internal.sys.Capabilities;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The strict-skip switch lets only feature-probe skips through; privilege comes from CapEff. */
class StrictSkipsTest {
    @Test
    void withTheSwitchOnlyProbeSkipsPass() {
        TestAbortedException probe = new TestAbortedException(KernelFeature.MARKER + " this kernel lacks x: y");
        TestAbortedException other = new TestAbortedException("no clang installed");
        String before = System.getProperty(StrictSkips.PROPERTY);
        try {
            System.clearProperty(StrictSkips.PROPERTY);
            assertSame(other, StrictSkips.check("t()", other), "without the switch nothing changes");
            System.setProperty(StrictSkips.PROPERTY, "true");
            assertSame(probe, StrictSkips.check("t()", probe));
            Throwable failed = StrictSkips.check("t()", other);
            assertInstanceOf(AssertionError.class, failed);
            assertTrue(
                    failed.getMessage().contains("t() skipped without a feature probe")
                            && failed.getMessage().contains("no clang installed"),
                    failed.getMessage());
            RuntimeException error = new IllegalStateException("x");
            assertSame(error, StrictSkips.check("t()", error), "failures stay what they are");
        } finally {
            if (before == null) {
                System.clearProperty(StrictSkips.PROPERTY);
            } else {
                System.setProperty(StrictSkips.PROPERTY, before);
            }
        }
    }

    @Test
    void capabilitiesAreReadFromCapEff() {
        long root = Capabilities.parse(List.of("Name:\tjava", "CapEff:\t000001ffffffffff"));
        assertTrue(Capabilities.has(root, Capabilities.CAP_BPF) && Capabilities.has(root, Capabilities.CAP_SYS_ADMIN));
        long none = Capabilities.parse(List.of("CapEff:\t0000000000000000"));
        assertTrue(!Capabilities.has(none, Capabilities.CAP_BPF));
        long bpfOnly = Capabilities.parse(List.of("CapEff:\t000000c000000000"));
        assertTrue(Capabilities.has(bpfOnly, Capabilities.CAP_BPF)
                && Capabilities.has(bpfOnly, Capabilities.CAP_PERFMON)
                && !Capabilities.has(bpfOnly, Capabilities.CAP_SYS_ADMIN));
    }
}
