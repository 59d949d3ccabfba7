package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.AttachType;
import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TypedMap;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import io.bpf4j.testing.KernelFunctions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BTF-targeted links: tp_btf counts this thread's syscalls; fentry/fexit/lsm where the kernel loads them. */
class TracingTest {
    /** Programs that need fentry/fexit/lsm: each is loaded only by its own test, after the feature probe. */
    private static final List<String> PROBED = List.of("on_unlink_entry", "on_unlink_exit", "on_file_open");

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static ObjectSpec spec(String... keep) {
        // the object names do_unlinkat; kernels that renamed it get their own name (7.3: filename_unlinkat)
        String unlinkat = KernelFunctions.unlinkat();
        ObjectSpec s = ObjectSpec.read(Kernel.bpfObject("link_tracing"))
                .withConstant("target_tid", CounterPrograms.gettid())
                .withAttachTarget("on_unlink_entry", unlinkat)
                .withAttachTarget("on_unlink_exit", unlinkat);
        for (String p : PROBED) {
            if (!List.of(keep).contains(p)) {
                s = s.withAutoload(p, false);
            }
        }
        return s;
    }

    private static long count(BpfObject obj, int slot) {
        return TypedMap.of(obj.map("counts"), Codecs.s32(), Codecs.s64())
                .get(slot)
                .orElseThrow();
    }

    @Test
    void tpBtfCountsUntilClosed() {
        ObjectSpec s = spec();
        try (BpfObject obj = s.load()) {
            try (var link = Tracing.attach(
                    obj.program("on_sys_enter"), s.program("on_sys_enter").orElseThrow())) {
                CounterPrograms.getppid(4);
                assertEquals(4, count(obj, 0));
                LinkInfo info = link.info();
                assertTrue(info.kind() == LinkType.RAW_TRACEPOINT || info.kind() == LinkType.TRACING, info.toString());
                assertTrue(info.programId() > 0, info.toString());
            }
            CounterPrograms.getppid(2);
            assertEquals(4, count(obj, 0), "the program fired after its link was closed");
        }
    }

    @Test
    void autoAttachReadsTheSectionName() {
        ObjectSpec s = spec();
        try (BpfObject obj = s.load();
                var link = Attach.attach(
                        obj.program("on_sys_enter"), s.program("on_sys_enter").orElseThrow())) {
            CounterPrograms.getppid(3);
            assertEquals(3, count(obj, 0));
            assertTrue(((KernelLink) link).info().programId() > 0);
        }
    }

    @Test
    void notATracingAttachTypeIsRejectedByName() {
        ObjectSpec s = spec();
        try (BpfObject obj = s.load()) {
            var xdpSpec = s.program("on_sys_enter").orElseThrow().toBuilder()
                    .attachType(AttachType.XDP)
                    .build();
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> Tracing.attach(obj.program("on_sys_enter"), xdpSpec));
            assertTrue(e.getMessage().contains("on_sys_enter") && e.getMessage().contains("XDP"), e.getMessage());
        }
    }

    @Test
    void fentryAndFexitSeeAnUnlink() throws Exception {
        KernelFeature.assumeProgram(AttachType.TRACE_FENTRY);
        KernelFeature.assumeProgram(AttachType.TRACE_FEXIT);
        ObjectSpec s = spec("on_unlink_entry", "on_unlink_exit");
        BpfObject obj = s.load();
        try (obj;
                var _ = Tracing.attach(
                        obj.program("on_unlink_entry"),
                        s.program("on_unlink_entry").orElseThrow());
                var _ = Tracing.attach(
                        obj.program("on_unlink_exit"),
                        s.program("on_unlink_exit").orElseThrow())) {
            Path f = Files.createTempFile("bpf4j-attach", ".tmp");
            Files.delete(f);
            assertEquals(1, count(obj, 1));
            assertEquals(1, count(obj, 2));
        }
    }

    @Test
    void lsmSeesAnOpen() throws Exception {
        KernelFeature.assumeProgram(AttachType.LSM_MAC);
        // lsm programs load and attach wherever the kernel is built with CONFIG_BPF_LSM, but run only
        // when "bpf" is among the LSMs enabled at boot (Debian's 5.10 leaves it out of CONFIG_LSM)
        Path active = Path.of("/sys/kernel/security/lsm");
        String lsms = Files.isReadable(active) ? Files.readString(active).strip() : "";
        KernelFeature.assume(
                List.of(lsms.split(",")).contains("bpf"),
                "the BPF LSM enabled at boot",
                lsms.isEmpty() ? active + " is not readable (securityfs not mounted?)" : active + " lists " + lsms);
        ObjectSpec s = spec("on_file_open");
        BpfObject obj = s.load();
        try (obj;
                var _ = Tracing.attach(
                        obj.program("on_file_open"), s.program("on_file_open").orElseThrow())) {
            Files.readString(Path.of("/proc/self/status"));
            assertTrue(count(obj, 3) >= 1);
        }
    }
}
