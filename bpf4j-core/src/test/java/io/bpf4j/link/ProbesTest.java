package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.BpfObject;
import io.bpf4j.NotSupportedException;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TypedMap;
import io.bpf4j.codec.Codecs;
import io.bpf4j.internal.elf.ElfBinary;
import io.bpf4j.internal.elf.LibraryPaths;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import io.bpf4j.testing.KernelFunctions;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** uprobes on libc, perf event sampling, iterators; kprobes where the kernel has none. */
class ProbesTest {
    private static final int PID = (int) ProcessHandle.current().pid();

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static BpfObject load() {
        return ObjectSpec.read(Kernel.bpfObject("link_probes"))
                .withConstant("target_tgid", PID)
                .load();
    }

    /** libc's getpid, called for real (not the JVM's cached pid). */
    // A downcall into libc (restricted): the probe must see a real call, not a value the JVM cached.
    @SuppressWarnings("restricted")
    private static int getpid() throws Throwable {
        MethodHandle h = Linker.nativeLinker()
                .downcallHandle(
                        Linker.nativeLinker().defaultLookup().find("getpid").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT));
        return (int) h.invokeExact();
    }

    @Test
    void symbolOffsetsMatchReadelf() throws Exception {
        Path libc = LibraryPaths.resolve("libc.so.6").orElseThrow();
        assertEquals(libc, LibraryPaths.resolve("c").orElseThrow());
        long offset = ElfBinary.open(libc).fileOffsetOfSymbol("getpid").orElseThrow();
        Process p = new ProcessBuilder("sh", "-c", "nm -D " + libc + " | grep -E ' getpid(@@.*)?$'").start();
        String line = new String(p.getInputStream().readAllBytes()).trim();
        Assumptions.assumeTrue(!line.isEmpty(), "nm (binutils) is needed for the comparison");
        // libc's text segment has virtual address == file offset on x86_64 Debian.
        assertEquals(Long.parseLong(line.split(" ")[0], 16), offset);
        assertTrue(
                ElfBinary.open(libc).fileOffsetOfSymbol("no_such_function_here").isEmpty());
    }

    // Keeps the deprecated overload covered until it is removed.
    @SuppressWarnings("deprecation")
    @Test
    void uprobeAndUretprobeOnLibcByBareName() throws Throwable {
        try (BpfObject obj = load()) {
            TypedMap<Integer, Long> counts = TypedMap.of(obj.map("counts"), Codecs.s32(), Codecs.s64());
            try (var _ = Uprobe.attach(obj.program("on_call"), "libc.so.6", "getpid", 0, false, OptionalInt.empty());
                    var _ = Uprobe.attach(obj.program("on_return"), "c", "getpid", 0, true, OptionalInt.of(PID))) {
                for (int i = 0; i < 5; i++) {
                    assertEquals(PID, getpid());
                }
                assertTrue(counts.get(0).orElseThrow() >= 5, "uprobe hits: " + counts.get(0));
                assertEquals(PID, counts.get(2).orElseThrow(), "the uretprobe saw getpid's return value");
            }
            long before = counts.get(0).orElseThrow();
            getpid();
            assertEquals(before, counts.get(0).orElseThrow(), "closed uprobes no longer fire");
            BpfException e = assertThrows(
                    BpfException.class,
                    () -> Uprobe.attach(
                            obj.program("on_call"), "libc.so.6", "nope_not_here", 0, false, OptionalInt.empty()));
            assertTrue(e.getMessage().contains("nope_not_here"), e.getMessage());
        }
    }

    @Test
    void softwarePerfEventSamples() throws Exception {
        try (BpfObject obj = load()) {
            TypedMap<Integer, Long> counts = TypedMap.of(obj.map("counts"), Codecs.s32(), Codecs.s64());
            PerfEvent links = PerfEvent.attach(obj.program("on_sample"), PerfEvent.Spec.frequency("cpu-clock", 1000));
            try {
                long end = System.nanoTime() + 300_000_000L;
                long spin = 0;
                while (System.nanoTime() < end) {
                    spin++;
                }
                assertTrue(spin > 0);
            } finally {
                links.close();
            }
            assertTrue(counts.get(1).orElseThrow() > 10, "samples: " + counts.get(1));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> PerfEvent.attach(obj.program("on_sample"), PerfEvent.Spec.period("bogus", 1)));
        }
    }

    @Test
    void perfEventsOfOneCgroupOnly() throws Exception {
        Path root = Path.of("/sys/fs/cgroup/unified");
        Assumptions.assumeTrue(java.nio.file.Files.isDirectory(root), "no cgroup v2 at " + root);
        Path cg = root.resolve("bpf4j_perf_" + PID);
        java.nio.file.Files.createDirectories(cg);
        try (BpfObject obj = load()) {
            TypedMap<Integer, Long> counts = TypedMap.of(obj.map("counts"), Codecs.s32(), Codecs.s64());
            PerfEvent links = PerfEvent.attach(
                    obj.program("on_sample"),
                    PerfEvent.Spec.frequency("cpu-clock", 1000).forCgroup(cg));
            try {
                Thread.sleep(200);
                long idle = counts.get(1).orElseThrow();
                // A shell that joins the cgroup and burns CPU for a while: now samples come.
                Process p = new ProcessBuilder(
                                "sh",
                                "-c",
                                "echo $$ > " + cg.resolve("cgroup.procs")
                                        + "; i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done")
                        .start();
                assertEquals(0, p.waitFor());
                long busy = counts.get(1).orElseThrow();
                assertTrue(
                        busy - idle > 10, "samples while the cgroup ran: " + (busy - idle) + " (idle: " + idle + ")");
            } finally {
                links.close();
            }
        } finally {
            java.nio.file.Files.deleteIfExists(cg);
        }
    }

    @Test
    void hardwareEventsWorkOrAreRefusedClearly() {
        try (BpfObject obj = load()) {
            try {
                PerfEvent links = PerfEvent.attach(obj.program("on_sample"), PerfEvent.Spec.period("cycles", 100000));
                assertTrue(links.eventCount() > 0, "one event per online CPU");
                links.close();
            } catch (NotSupportedException e) {
                assertTrue(e.getMessage().contains("cycles"), e.getMessage());
            }
        }
    }

    // Keeps the deprecated overload covered until it is removed.
    @SuppressWarnings("deprecation")
    @Test
    void kprobesFailClearlyWithoutKernelSupport() {
        try (BpfObject obj = load()) {
            String unlinkat = KernelFunctions.unlinkat();
            if (Kprobe.supported()) {
                try (var l = Kprobe.attach(obj.program("on_unlink"), unlinkat, 0, false)) {
                    assertTrue(l.description().contains(unlinkat));
                }
                return;
            }
            NotSupportedException e = assertThrows(
                    NotSupportedException.class, () -> Kprobe.attach(obj.program("on_unlink"), unlinkat, 0, false));
            assertTrue(e.getMessage().contains("CONFIG_KPROBES"), e.getMessage());
            KernelFeature.assume(
                    false, "kprobes", "Kprobe.supported() found no kprobe PMU or kprobe_events: " + e.getMessage());
        }
    }

    @Test
    void taskIteratorListsUs() {
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("load_iter")).load();
                var it = BpfIterator.attach(obj.program("dump_tasks"))) {
            String out = it.read();
            assertTrue(
                    out.lines().anyMatch(l -> l.startsWith(PID + " ")),
                    "our pid in:\n" + out.lines().limit(5).toList());
            assertTrue(it.read().lines().count() > 1, "each read walks again");
        }
    }
}
