package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The acceptance suite of BPF C programs (src/test/bpf/load_*.bpf.c): what each object must give
 * on this kernel, checked against libbpf through bpftool. Every compiled object needs an entry,
 * so a new program cannot slip in untested.
 */
class ObjectSuiteTest {
    /** What loading an object on this kernel gives. */
    sealed interface Expected {}

    /** Every listed program verifies. */
    record Loads(Set<String> programs) implements Expected {}

    /**
     * The kernel refuses the object; {@code reason} is what it (or the verifier) says, as libbpf
     * reports it and as bpf4j does.
     */
    record KernelRefuses(String reason, String bpf4jReason) implements Expected {
        KernelRefuses(String reason) {
            this(reason, reason);
        }
    }

    /**
     * Every listed program verifies, unless a feature probe says this kernel lacks {@code feature}:
     * then the test is skipped with the probe's reason.
     */
    record LoadsUnlessRefused(
            Set<String> programs,
            String feature,
            java.util.function.BooleanSupplier probe,
            java.util.function.Supplier<String> reason)
            implements Expected {}

    /** Whether /proc/kallsyms shows {@code symbol} with its address (not hidden by kptr_restrict or lockdown). */
    static boolean kallsymsShows(String symbol) {
        try (var lines = Files.lines(Path.of("/proc/kallsyms"))) {
            return lines.anyMatch(l -> l.endsWith(" " + symbol) && !l.startsWith("0000000000000000"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the running kernel's BTF has {@code enumerator} in {@code enum enumName} (a feature's constant). */
    static boolean kernelKnows(String enumName, String enumerator) {
        return io.bpf4j.btf.KernelBtf.vmlinux()
                .find(enumName, io.bpf4j.btf.Type.Enum.class)
                .map(e -> e.values().stream().anyMatch(v -> v.name().equals(enumerator)))
                .orElse(false);
    }

    /** Whether the running kernel's BTF has a type of this kind and name (a kfunc, a variable). */
    static boolean kernelHas(String name, Class<? extends io.bpf4j.btf.Type> kind) {
        return io.bpf4j.btf.KernelBtf.vmlinux().find(name, kind).isPresent();
    }

    /** libbpf 1.1 (Debian's bpftool) does not know a section name the kernel supports. */
    record TooNewForLibbpf(String section, Set<String> programs) implements Expected {}

    static final Map<String, Expected> SUITE = Map.ofEntries(
            Map.entry(
                    "load_callbacks",
                    new LoadsUnlessRefused(
                            Set.of("xdp_callbacks"),
                            "the helper bpf_loop (Linux 5.17)",
                            () -> kernelKnows("bpf_func_id", "BPF_FUNC_loop"),
                            () -> "enum bpf_func_id has no BPF_FUNC_loop")),
            Map.entry(
                    "load_cgroup_sock",
                    new Loads(Set.of("connect4_redirect", "sk_lookup_steer", "sock_create_no_raw"))),
            Map.entry("load_core_exec", new Loads(Set.of("on_exec"))),
            Map.entry("load_core_kinds", new Loads(Set.of("core_kinds"))),
            Map.entry(
                    "load_core_poison",
                    new KernelRefuses("invalid CO-RE relocation", "CO-RE relocation matched nothing")),
            Map.entry(
                    "load_core_values",
                    new Loads(Set.of(
                            "v_array",
                            "v_bitfield",
                            "v_bitfield_off",
                            "v_enum",
                            "v_exists",
                            "v_flavor",
                            "v_guarded",
                            "v_nested",
                            "v_offset",
                            "v_signed",
                            "v_size",
                            "v_type_id",
                            "v_type_size",
                            "v_types"))),
            Map.entry(
                    "load_fentry",
                    new LoadsUnlessRefused(
                            Set.of("lsm_file_open", "on_unlink_entry", "on_unlink_exit"),
                            "fentry, fexit and lsm programs",
                            () -> io.bpf4j.features.ProgramFeatures.supports(io.bpf4j.AttachType.TRACE_FENTRY)
                                    && io.bpf4j.features.ProgramFeatures.supports(io.bpf4j.AttachType.TRACE_FEXIT)
                                    && io.bpf4j.features.ProgramFeatures.supports(io.bpf4j.AttachType.LSM_MAC),
                            () -> io.bpf4j.features.ProgramFeatures.reason(io.bpf4j.AttachType.TRACE_FENTRY) + "; "
                                    + io.bpf4j.features.ProgramFeatures.reason(io.bpf4j.AttachType.LSM_MAC))),
            Map.entry("load_globals", new Loads(Set.of("xdp_globals"))),
            Map.entry("load_iter", new Loads(Set.of("dump_tasks"))),
            Map.entry("load_kconfig", new Loads(Set.of("xdp_kconfig"))),
            Map.entry("load_ksyscall", new Loads(Set.of("ksys_kill", "kret_kill"))),
            Map.entry(
                    "load_ksym_var",
                    new LoadsUnlessRefused(
                            Set.of("ksym_var_switch"),
                            "the per-CPU variable runqueues in the kernel's BTF, with its address",
                            () -> kernelHas("runqueues", io.bpf4j.btf.Type.Var.class) && kallsymsShows("runqueues"),
                            () -> kernelHas("runqueues", io.bpf4j.btf.Type.Var.class)
                                    ? "/proc/kallsyms does not show runqueues with an address"
                                    : "the kernel's BTF has no VAR runqueues (per-CPU variables in BTF: Linux 5.11)")),
            Map.entry(
                    "load_ksyms",
                    new LoadsUnlessRefused(
                            Set.of("ksym_switch"),
                            "the kfunc bpf_task_from_pid (Linux 6.2)",
                            () -> kernelHas("bpf_task_from_pid", io.bpf4j.btf.Type.Func.class),
                            () -> "the kernel's BTF has no FUNC bpf_task_from_pid")),
            Map.entry(
                    "load_locks_timers",
                    new LoadsUnlessRefused(
                            Set.of("xdp_locked"),
                            "bpf_timer (Linux 5.15)",
                            () -> kernelKnows("bpf_func_id", "BPF_FUNC_timer_set_callback"),
                            () -> "enum bpf_func_id has no BPF_FUNC_timer_set_callback")),
            Map.entry("load_map_in_map", new Loads(Set.of("xdp_map_in_map"))),
            Map.entry("load_perf_event", new Loads(Set.of("profile"))),
            Map.entry("load_probes", new Loads(Set.of("kp_openat2", "krp_openat2", "up_getpid", "urp_getpid"))),
            Map.entry("load_raw_tp", new Loads(Set.of("btf_sched_switch", "raw_sys_enter"))),
            Map.entry("load_rejected", new KernelRefuses("invalid access to map value")),
            Map.entry("load_socket", new Loads(Set.of("cgroup_egress", "cgroup_ingress", "socket_accept_all"))),
            Map.entry("load_sockmap", new Loads(Set.of("sk_msg_redirect", "sk_skb_verdict", "sockops_track"))),
            Map.entry("load_strings", new Loads(Set.of("xdp_strings"))),
            Map.entry("load_subprogs", new Loads(Set.of("xdp_first", "xdp_second"))),
            Map.entry(
                    "load_syscall",
                    new LoadsUnlessRefused(
                            Set.of("sleepy_uprobe", "syscall_double"),
                            "BPF_PROG_TYPE_SYSCALL programs (Linux 5.14)",
                            () -> kernelKnows("bpf_prog_type", "BPF_PROG_TYPE_SYSCALL"),
                            () -> "enum bpf_prog_type has no BPF_PROG_TYPE_SYSCALL")),
            Map.entry("load_tailcall", new Loads(Set.of("xdp_dispatch", "xdp_tail_drop", "xdp_tail_pass"))),
            Map.entry("load_tc", new Loads(Set.of("tc_classify"))),
            Map.entry("load_tcx", new TooNewForLibbpf("tcx/ingress", Set.of("tcx_egress_count", "tcx_ingress_count"))),
            Map.entry("load_tracepoint", new Loads(Set.of("trace_openat"))),
            Map.entry("load_usdt_header", new Loads(Set.of("on_probe"))),
            Map.entry("load_xdp_parse", new Loads(Set.of("xdp_udp_count"))));

    static List<Path> compiledObjects() throws IOException {
        Path dir = Path.of(System.getProperty("bpf4j.test.bpf.dir", "target/test-classes/bpf"));
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("load_.*\\.bpf\\.o"))
                    .sorted()
                    .toList();
        }
    }

    static String objectName(Path p) {
        return p.getFileName().toString().replace(".bpf.o", "");
    }

    @Test
    void everyCompiledObjectHasAnExpectation() throws IOException {
        List<Path> objs = compiledObjects();
        assertTrue(objs.size() >= 20, "the suite needs at least 20 objects, has " + objs);
        Set<String> names = new TreeSet<>();
        objs.forEach(p -> names.add(objectName(p)));
        assertEquals(new TreeSet<>(SUITE.keySet()), names);
    }

    @TestFactory
    Stream<DynamicTest> bpf4jLoadsWhatTheKernelAccepts() throws IOException {
        Kernel.assumeRoot();
        return compiledObjects().stream()
                .map(obj -> DynamicTest.dynamicTest(objectName(obj), () -> {
                    Expected want = SUITE.get(objectName(obj));
                    switch (want) {
                        case Loads l -> {
                            try (BpfObject o = LoadTestBridge.load(obj)) {
                                assertEquals(
                                        new TreeSet<>(l.programs()),
                                        new TreeSet<>(o.programs().keySet()));
                            }
                        }
                        case LoadsUnlessRefused l -> {
                            KernelFeature.assume(l.probe(), l.feature(), l.reason());
                            try (BpfObject o = LoadTestBridge.load(obj)) {
                                assertEquals(
                                        new TreeSet<>(l.programs()),
                                        new TreeSet<>(o.programs().keySet()));
                            }
                        }
                        case TooNewForLibbpf t -> {
                            try (BpfObject o = LoadTestBridge.load(obj)) {
                                assertEquals(
                                        new TreeSet<>(t.programs()),
                                        new TreeSet<>(o.programs().keySet()));
                            }
                        }
                        case KernelRefuses k -> {
                            BpfException e = assertThrows(BpfException.class, () -> LoadTestBridge.load(obj)
                                    .close());
                            String all = e.getMessage() + (e instanceof VerifierException v ? "\n" + v.log() : "");
                            assertTrue(all.contains(k.bpf4jReason()), all);
                        }
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> libbpfAgreesWithTheExpectations() throws IOException {
        Kernel.assumeRoot();
        Path bpffs = Kernel.bpffs();
        Path bpftool = BpfTool.find().orElse(null);
        Assumptions.assumeTrue(bpftool != null, "bpftool is not installed: no libbpf reference to compare with");
        return compiledObjects().stream()
                .map(obj -> DynamicTest.dynamicTest(objectName(obj), () -> {
                    String unique = "bpf4j_loader_" + ProcessHandle.current().pid() + "_" + objectName(obj);
                    BpfTool.Outcome got = BpfTool.loadAll(bpftool, obj, bpffs, unique);
                    switch (SUITE.get(objectName(obj))) {
                        case Loads l -> {
                            assertTrue(got.loaded(), got.output());
                            assertEquals(new TreeSet<>(l.programs()), got.programs());
                        }
                        case LoadsUnlessRefused l -> {
                            KernelFeature.assume(l.probe(), l.feature(), l.reason());
                            assertTrue(got.loaded(), got.output());
                            assertEquals(new TreeSet<>(l.programs()), got.programs());
                        }
                        case KernelRefuses k -> {
                            assertFalse(got.loaded(), objectName(obj) + " unexpectedly loaded with libbpf");
                            assertTrue(got.output().contains(k.reason()), got.output());
                        }
                        case TooNewForLibbpf t -> {
                            if (got.loaded()) {
                                // A newer bpftool knows the section: then it must agree with bpf4j.
                                assertEquals(new TreeSet<>(t.programs()), got.programs());
                            } else {
                                assertTrue(got.output().contains(t.section()), got.output());
                            }
                        }
                    }
                }));
    }
}
