package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TypedMap;
import io.bpf4j.btf.KernelBtf;
import io.bpf4j.btf.Type;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.FdLeakCheck;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** attachAll() by section names, link info, program replacement, pins; the object closes its links. */
class AutoAttachTest {
    private static final int PID = (int) ProcessHandle.current().pid();

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static void exec() throws Exception {
        assertEquals(0, new ProcessBuilder("/bin/true").start().waitFor());
    }

    // A downcall into libc (restricted): the probe must see a real call, not a value the JVM cached.
    @SuppressWarnings("restricted")
    private static void getpid() throws Throwable {
        var h = Linker.nativeLinker()
                .downcallHandle(
                        Linker.nativeLinker().defaultLookup().find("getpid").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT));
        int unused = (int) h.invokeExact();
    }

    @Test
    void everyKindAttachesFromItsSection() throws Throwable {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("link_auto"))
                .withConstant("target_tgid", PID)
                .withAutoload("auto_tp_other", false);
        long linksBefore = FdLeakCheck.kernelObjectFds().values().stream()
                .filter(t -> t.contains("bpf_link"))
                .count();
        try (BpfObject obj = spec.load()) {
            List<Link> links = obj.attachAll().links();
            assertEquals(4, links.size(), links.toString());
            exec();
            getpid();
            TypedMap<Integer, Long> hits = TypedMap.of(obj.map("hits"), Codecs.s32(), Codecs.s64());
            assertTrue(hits.get(0).orElseThrow() >= 1, "tracepoint");
            assertTrue(hits.get(1).orElseThrow() >= 1, "raw tracepoint");
            assertTrue(hits.get(2).orElseThrow() >= 1, "tp_btf sched_process_exec");
            assertTrue(hits.get(3).orElseThrow() >= 1, "uprobe libc.so.6:getpid");
            if (perfEventLinks()) {
                LinkInfo info = ((KernelLink) links.get(0)).info();
                assertEquals(obj.program("auto_tp").info().id(), info.programId());
                assertTrue(info.id() > 0);
            }
        }
        long linksAfter = FdLeakCheck.kernelObjectFds().values().stream()
                .filter(t -> t.contains("bpf_link"))
                .count();
        assertEquals(linksBefore, linksAfter, "closing the object closed its links");
    }

    /** Perf event links came in 5.15: before, a perf event is attached by ioctl (no link info, no pin). */
    private static boolean perfEventLinks() {
        return KernelBtf.vmlinux().find("bpf_link_type", Type.Enum.class).orElseThrow().values().stream()
                .anyMatch(v -> v.name().equals("BPF_LINK_TYPE_PERF_EVENT"));
    }

    @Test
    void perfEventLinksCannotSwapProgramsButPinsOutliveTheObject() throws Exception {
        KernelFeature.assume(
                perfEventLinks(),
                "perf event links (Linux 5.15)",
                "enum bpf_link_type in the kernel's BTF has no BPF_LINK_TYPE_PERF_EVENT (a tracepoint is attached by ioctl)");
        Path pin = Kernel.bpffs().resolve("bpf4j_link_pin_" + PID);
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("link_auto")).load();
                var link = Tracepoint.attach(obj.program("auto_tp"), "syscalls/sys_enter_execve")) {
            TypedMap<Integer, Long> hits = TypedMap.of(obj.map("hits"), Codecs.s32(), Codecs.s64());
            // The kernel replaces programs of XDP, TCX, cgroup, iterator and netns links only
            // (NetworkLinksTest swaps an XDP program); a perf event link answers EINVAL, in its
            // words, not as a feature this kernel lacks.
            io.bpf4j.BpfException e =
                    assertThrows(io.bpf4j.BpfException.class, () -> link.update(obj.program("auto_tp_other")));
            assertTrue(!(e instanceof io.bpf4j.NotSupportedException), e.toString());
            assertTrue(
                    e.getMessage().contains("EINVAL")
                            && e.getMessage().contains("auto_tp_other")
                            && e.getMessage().contains("cannot swap programs"),
                    e.getMessage());
            exec();
            assertTrue(hits.get(0).orElseThrow() >= 1, "the original program still runs");
            link.pin(pin);
            try (var again = Link.fromPin(pin)) {
                assertEquals(link.info().id(), again.info().id());
            }
        } finally {
            java.nio.file.Files.deleteIfExists(pin);
        }
    }

    @Test
    void programsWithoutATargetAreSkippedWithTheReason() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("link_net")).load()) {
            AttachAll.Result r = obj.attachAll();
            assertTrue(r.attached().isEmpty(), r.toString());
            AttachAll.Skipped xdp = r.skipped().stream()
                    .filter(s -> s.program().equals("xdp_count"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(r.toString()));
            assertEquals("xdp", xdp.section());
            assertTrue(xdp.reason().contains("Xdp.Spec"), xdp.reason());
        }
    }
}
