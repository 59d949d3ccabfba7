package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;
import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One uprobe_multi link on libc's getpid and getppid counts exactly this thread's calls. */
class UprobeMultiTest {
    private static final MethodHandle GETPID = libc("getpid");
    private static final MethodHandle GETPPID = libc("getppid");

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    // A downcall into libc (restricted): the probe must see a real call, not a value the JVM cached.
    @SuppressWarnings("restricted")
    private static MethodHandle libc(String name) {
        Linker l = Linker.nativeLinker();
        return l.downcallHandle(
                l.defaultLookup().find(name).orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
    }

    private static Program counting(String name, BpfMap counter) {
        return Program.load(ProgramSpec.builder(name, ProgramType.KPROBE)
                .attachType(AttachType.TRACE_UPROBE_MULTI)
                .license("GPL")
                .instructions(CounterPrograms.filter()
                        .onlyThread(CounterPrograms.gettid())
                        .count(counter, 0))
                .build());
    }

    // Keeps the deprecated overload covered until it is removed.
    @SuppressWarnings("deprecation")
    @Test
    void countsCallsOfBothFunctionsUntilClosed() throws Throwable {
        int pid = (int) ProcessHandle.current().pid();
        try (BpfMap counter = CounterPrograms.newCounter("upm_count");
                Program prog = counting("upm_count", counter)) {
            UprobeMulti link;
            try {
                link = UprobeMulti.attach(prog, "libc.so.6", List.of("getpid", "getppid"), false, OptionalInt.of(pid));
            } catch (NotSupportedException e) {
                // EOPNOTSUPP: the kernel itself says it has no uprobe_multi (an EINVAL would be a BpfException)
                KernelFeature.assume(false, "uprobe_multi links", e.getMessage());
                return;
            }
            try (link) {
                assertEquals(LinkType.UPROBE_MULTI, link.info().kind());
                for (int i = 0; i < 3; i++) {
                    int unused = (int) GETPID.invokeExact();
                }
                for (int i = 0; i < 2; i++) {
                    int unused = (int) GETPPID.invokeExact();
                }
                assertEquals(5, CounterPrograms.read(counter));
            }
            int unused = (int) GETPID.invokeExact();
            assertEquals(5, CounterPrograms.read(counter), "the program ran after its link was closed");
        }
    }

    // Keeps the deprecated overload covered until it is removed.
    @SuppressWarnings("deprecation")
    @Test
    void unknownSymbolIsNamed() {
        try (BpfMap counter = CounterPrograms.newCounter("upm_none");
                Program prog = counting("upm_none", counter)) {
            BpfException e = assertThrows(
                    BpfException.class,
                    () -> UprobeMulti.attach(
                            prog, "libc.so.6", List.of("getpid", "no_such_function_x"), false, OptionalInt.empty()));
            assertTrue(e.getMessage().contains("no_such_function_x"), e.getMessage());
        }
    }
}
