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
import io.bpf4j.testing.KernelFunctions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kprobe_multi on the kernel's unlinkat function ({@link KernelFunctions#unlinkat()}): where the kernel has fprobe it counts this thread's unlinks; this
 * VM's kernel has no kprobes, so there it must be a NotSupportedException naming the feature.
 */
class KprobeMultiTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    // Keeps the deprecated overload covered until it is removed.
    @SuppressWarnings("deprecation")
    @Test
    void countsUnlinksOrIsClearlyNotSupported() throws Exception {
        try (BpfMap counter = CounterPrograms.newCounter("kpm_count");
                Program prog = Program.load(ProgramSpec.builder("kpm_count", ProgramType.KPROBE)
                        .attachType(AttachType.TRACE_KPROBE_MULTI)
                        .license("GPL")
                        .instructions(CounterPrograms.filter()
                                .onlyThread(CounterPrograms.gettid())
                                .count(counter, 0))
                        .build())) {
            String unlinkat = KernelFunctions.unlinkat();
            Link link;
            try {
                link = KprobeMulti.attach(prog, List.of(unlinkat), false);
            } catch (NotSupportedException e) {
                // thrown only on a probe's word: no kprobes, no BPF_TRACE_KPROBE_MULTI (before 5.18), no fprobe
                assertTrue(
                        !Kprobe.supported()
                                || e.getMessage().contains("FPROBE")
                                || e.getMessage().contains("BPF_TRACE_KPROBE_MULTI"),
                        e.getMessage());
                assertTrue(
                        e.getMessage().contains("kprobe_multi")
                                && e.getMessage().contains(unlinkat),
                        e.getMessage());
                KernelFeature.assume(false, "kprobe_multi links", e.getMessage());
                return;
            }
            try (link) {
                Path f = Files.createTempFile("bpf4j-kpm", ".tmp");
                Files.delete(f);
                assertEquals(1, CounterPrograms.read(counter));
            }
        }
    }
}
