package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TypedMap;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.Kernel;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kprobe lanes attachAll takes from section names — ksyscall, kretsyscall, kprobe,
 * kprobe.multi and kretprobe.multi globs — fired for real where the kernel has kprobes (the VM
 * kernels); on a kernel without, the failure names the program and the missing feature, and
 * the test stops with the probe's reason.
 */
class AttachKprobeLanesTest {
    private static final int PID = (int) ProcessHandle.current().pid();
    // A downcall into libc (restricted): the probe must see a real call, not a value the JVM cached.
    @SuppressWarnings("restricted")
    private static final MethodHandle GETPPID = Linker.nativeLinker()
            .downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("getppid").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    private static long hits(BpfObject obj, int slot) {
        return TypedMap.of(obj.map("hits"), Codecs.s32(), Codecs.s64())
                .get(slot)
                .orElseThrow();
    }

    private static BpfObject load() {
        return ObjectSpec.read(Kernel.bpfObject("attach_kprobes"))
                .withConstant("target_tgid", PID)
                .load();
    }

    private static void getppid(int n) throws Throwable {
        for (int i = 0; i < n; i++) {
            int unused = (int) GETPPID.invokeExact();
        }
    }

    @Test
    void syscallsResolveToTheArchitecturesWrapper() {
        String fn = Syscalls.function("getppid");
        if (Syscalls.hasSymbol(Path.of("/proc/kallsyms"), "__x64_sys_bpf")) {
            assertEquals("__x64_sys_getppid", fn);
        } else {
            assertTrue(fn.endsWith("sys_getppid"), fn);
        }
        assertEquals("ksyscall getppid", Kprobe.Syscall.of("getppid").describe());
        assertThrows(IllegalArgumentException.class, () -> Kprobe.Syscall.of("../x"));
    }

    @Test
    void globsMatchAsLibbpfs() {
        assertTrue(Glob.matches("__x64_sys_getppid", "*sys_getppid"));
        assertTrue(Glob.matches("getppid", "getpp*"));
        assertTrue(Glob.matches("tcp_v4_rcv", "tcp_?4_*"));
        assertFalse(Glob.matches("getpid", "getpp*"));
        assertFalse(Glob.matches("xgetppid", "getpp*"));
        // Where ftrace lists the traceable functions (as libbpf reads them), one name stands for
        // aliases at one address: 6.12 lists __do_sys_getppid, not __x64_sys_getppid at the same place.
        java.util.List<String> found = KprobeMulti.resolve(java.util.List.of("*sys_getppid"));
        assertTrue(
                !found.isEmpty() && found.stream().allMatch(n -> n.endsWith("sys_getppid")),
                "the glob finds the syscall's functions: " + found);
    }

    @Test
    void ksyscallKretsyscallAndKprobeFireFromTheirSections() throws Throwable {
        try (BpfObject obj = load()) {
            AttachOptions only =
                    AttachOptions.defaults().autoattach("k_multi", false).autoattach("k_multi_ret", false);
            Optional<String> noKprobes = Kprobe.probe();
            if (noKprobes.isPresent()) {
                AttachException e = assertThrows(AttachException.class, () -> obj.attachAll(only));
                assertTrue(e.notSupported(), e.toString());
                assertEquals("k_sys", e.program());
                assertTrue(
                        e.getMessage().contains("SEC(\"ksyscall/getppid\")")
                                && e.getMessage().contains("kprobes"),
                        e.getMessage());
                io.bpf4j.testing.KernelFeature.assume(false, "kprobes", noKprobes.get());
            }
            AttachAll.Result r = obj.attachAll(only);
            assertEquals(3, r.attached().size(), r.toString());
            getppid(3);
            assertEquals(3, hits(obj, 0), "ksyscall/getppid");
            assertEquals(3, hits(obj, 1), "kretsyscall/getppid");
            Files.readString(Path.of("/proc/self/stat"));
            assertTrue(hits(obj, 2) >= 1, "kprobe/do_sys_openat2");
        }
    }

    @Test
    void kprobeMultiGlobsFireFromTheirSections() throws Throwable {
        try (BpfObject obj = load()) {
            AttachOptions only = AttachOptions.defaults()
                    .autoattach("k_sys", false)
                    .autoattach("k_sys_ret", false)
                    .autoattach("k_fn", false);
            AttachAll.Result r;
            try {
                r = obj.attachAll(only);
            } catch (AttachException e) {
                // The kernel's own answer for a missing fprobe is EOPNOTSUPP (kernels before 6.x in
                // this project's VMs, or built without CONFIG_FPROBE): the only probe there is.
                assertTrue(e.notSupported(), e.toString());
                assertTrue(
                        e.getMessage().contains("k_multi") && e.getMessage().contains("kprobe_multi"), e.getMessage());
                io.bpf4j.testing.KernelFeature.assume(false, "kprobe.multi links", e.getMessage());
                return;
            }
            assertEquals(2, r.attached().size(), r.toString());
            getppid(2);
            assertTrue(hits(obj, 3) >= 2, "kprobe.multi/*sys_getppid: " + hits(obj, 3));
            assertTrue(hits(obj, 4) >= 2, "kretprobe.multi/*sys_getppid: " + hits(obj, 4));
        }
    }
}
