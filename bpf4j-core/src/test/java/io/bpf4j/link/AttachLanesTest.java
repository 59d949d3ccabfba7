package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.TypedMap;
import io.bpf4j.codec.Codecs;
import io.bpf4j.testing.FdLeakCheck;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.TestNet;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * attachAll with libbpf's skeleton semantics over one object with a program per lane: section
 * targets attach by themselves, specs by program name attach the rest, the others are skipped
 * with the reason, autoattach off is honoured; each lane's program is then fired for real.
 */
class AttachLanesTest {
    private static final int PID = (int) ProcessHandle.current().pid();
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup/unified");
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

    /** Lanes newer than some kernels of the VM matrix, by program, and what the kernel's BTF must know for them. */
    private static final java.util.Map<String, String[]> NEWER = java.util.Map.of(
            "tcx_in", new String[] {"bpf_attach_type", "BPF_TCX_INGRESS"},
            "nf", new String[] {"bpf_prog_type", "BPF_PROG_TYPE_NETFILTER"},
            "u_multi", new String[] {"bpf_attach_type", "BPF_TRACE_UPROBE_MULTI"});

    /** Whether this kernel has the lane of {@code program} (always, unless the program is in {@link #NEWER}). */
    static boolean has(String program) {
        String[] probe = NEWER.get(program);
        return probe == null || LinkErrors.knowsEnumerator(probe[0], probe[1]).orElse(false);
    }

    /** attach_lanes, with the programs of lanes this kernel lacks not loaded (their types may be unknown to it). */
    static ObjectSpec lanes() {
        ObjectSpec s = ObjectSpec.read(Kernel.bpfObject("attach_lanes")).withConstant("target_tgid", PID);
        for (String p : NEWER.keySet()) {
            if (!has(p)) {
                s = s.withAutoload(p, false);
            }
        }
        return s;
    }

    private static void getppid(int times) throws Throwable {
        for (int i = 0; i < times; i++) {
            int unused = (int) GETPPID.invokeExact();
        }
    }

    private static long hits(BpfObject obj, int slot) {
        return TypedMap.of(obj.map("hits"), Codecs.s32(), Codecs.s64())
                .get(slot)
                .orElseThrow();
    }

    private static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long n = 0;
        while (System.nanoTime() < end) {
            n++;
        }
        assertTrue(n > 0);
    }

    private static long bpfLinks() {
        return FdLeakCheck.kernelObjectFds().values().stream()
                .filter(t -> t.contains("bpf_link"))
                .count();
    }

    @Test
    void everyLaneAttachesFromItsSectionOrItsSpecAndFires() throws Throwable {
        Assumptions.assumeTrue(Files.isDirectory(CGROUP_ROOT), "no cgroup v2 at " + CGROUP_ROOT);
        Path cg = CGROUP_ROOT.resolve("bpf4j_lanes_" + PID);
        Files.createDirectories(cg);
        long linksBefore = bpfLinks();
        try (TestNet net = new TestNet();
                SocketFilterTest.Udp rx = new SocketFilterTest.Udp();
                SocketFilterTest.Udp tx = new SocketFilterTest.Udp();
                BpfObject obj = lanes().load()) {
            NetworkNamespace nsB = NetworkNamespace.named(net.b);
            AttachOptions given = AttachOptions.defaults()
                    .spec("u_entry", Uprobe.Spec.of("libc.so.6", "getppid"))
                    .spec("u_ret", Uprobe.Spec.of("libc.so.6", "getppid")) // return: from SEC("uretprobe")
                    .spec("on_tick", PerfEvent.Spec.frequency("cpu_clock", 1000))
                    .spec("xdp_pass", Xdp.Spec.allInterfaces().in(nsB))
                    .spec("tc_egress", new TcFilter.Spec(Optional.of(nsB), "veth-b", Tcx.Direction.EGRESS, 1))
                    .spec("sock_filter", new SocketFilter.Spec(rx.fd))
                    .autoattach("raw", false)
                    .cgroup(cg);
            if (has("tcx_in")) {
                given = given.spec(
                        "tcx_in", Tcx.Spec.of(Interfaces.named("veth-b")).in(nsB)); // ingress: from SEC("tcx/ingress")
            }
            if (has("nf")) {
                given = given.spec(
                        "nf",
                        new Netfilter.Spec(Netfilter.Family.IPV4, Netfilter.Hook.LOCAL_IN, -100, Optional.of(nsB)));
            }
            AttachOptions options = given;
            AttachAll.Result r = obj.attachAll(options);
            Set<String> attached =
                    r.attached().stream().map(AttachAll.Attached::program).collect(Collectors.toSet());
            Set<String> expected = new java.util.TreeSet<>(Set.of(
                    "u_entry",
                    "u_ret",
                    "on_tick",
                    "xdp_pass",
                    "tcx_in",
                    "sock_create",
                    "lookup",
                    "dump",
                    "u_multi",
                    "nf",
                    "tp",
                    "tc_egress",
                    "sock_filter"));
            expected.removeIf(p -> !has(p));
            assertEquals(expected, new java.util.TreeSet<>(attached), r.toString());
            assertEquals(List.of(new AttachAll.Skipped("raw", "raw_tp/sys_enter", "autoattach is off")), r.skipped());
            assertTrue(
                    r.link("xdp_pass").orElseThrow() instanceof LinkGroup g
                            && g.members().size() == 2,
                    "xdp on every interface of the namespace (lo, veth-b): " + r.link("xdp_pass"));

            getppid(3);
            assertEquals(3, hits(obj, 0), "uprobe libc getppid (spec)");
            assertEquals(3, hits(obj, 1), "uretprobe from the section, returning the parent pid");
            assertEquals(has("u_multi") ? 3 : 0, hits(obj, 9), "uprobe.multi libc.so.6:getpp* (section glob)");
            assertEquals(3, hits(obj, 12), "tracepoint sys_enter_getppid (section)");
            assertEquals(0, hits(obj, 13), "raw_tp with autoattach off");
            spin(200);
            assertTrue(hits(obj, 2) > 10, "perf cpu_clock samples: " + hits(obj, 2));
            assertTrue(net.pingBFromA(2), "pings pass every program");
            assertTrue(hits(obj, 3) >= 2, "xdp on veth-b: " + hits(obj, 3));
            assertTrue(!has("tcx_in") || hits(obj, 4) >= 2, "tcx ingress on veth-b: " + hits(obj, 4));
            assertTrue(!has("nf") || hits(obj, 11) >= 2, "netfilter LOCAL_IN in B: " + hits(obj, 11));
            assertTrue(hits(obj, 14) >= 2, "tc egress filter on veth-b (the replies): " + hits(obj, 14));
            Process p = new ProcessBuilder(
                            "sh", "-c", "echo $$ > " + cg.resolve("cgroup.procs") + " && exec ping -c 1 -W 1 127.0.0.1")
                    .start();
            assertEquals(0, p.waitFor());
            assertTrue(hits(obj, 5) >= 1, "cgroup/sock_create for a socket made in the cgroup");
            long lookups = hits(obj, 6);
            tx.sendTo(rx, 32);
            assertTrue(hits(obj, 6) > lookups, "sk_lookup in this namespace saw the datagram's lookup");
            assertEquals(32 + 8, rx.receiveNow() + 8, "the socket filter keeps the datagram");
            assertTrue(hits(obj, 15) >= 1, "socket filter ran");
            String pids = ((BpfIterator) r.link("dump").orElseThrow()).read();
            assertEquals(List.of(Integer.toString(PID)), pids.lines().toList(), "the task iterator found us");
        } finally {
            Files.deleteIfExists(cg);
        }
        assertEquals(linksBefore, bpfLinks(), "closing the object closed every link attachAll made");
    }

    @Test
    void aFailureNamesProgramSectionAndTargetAndLeavesNothingAttached() throws Throwable {
        long linksBefore = bpfLinks();
        try (BpfObject obj = lanes().load()) {
            AttachOptions options = AttachOptions.defaults()
                    .spec("u_entry", Uprobe.Spec.of("libc.so.6", "getppid"))
                    .spec("u_ret", Uprobe.Spec.of("libc.so.6", "no_such_function_here"));
            AttachException e = assertThrows(AttachException.class, () -> obj.attachAll(options));
            assertEquals("u_ret", e.program());
            assertEquals("uretprobe", e.section());
            assertTrue(
                    e.target().contains("no_such_function_here") && e.target().startsWith("uretprobe"), e.target());
            assertTrue(
                    e.getMessage().contains("u_ret")
                            && e.getMessage().contains("SEC(\"uretprobe\")")
                            && e.getMessage().contains("has no function symbol"),
                    e.getMessage());
            assertEquals(io.bpf4j.Errno.ENOENT, e.errno().orElseThrow());
            assertEquals(linksBefore, bpfLinks(), "u_entry, attached before, was detached again");
            getppid(2);
            assertEquals(0, hits(obj, 0), "nothing fires after the rollback");

            IllegalArgumentException unknown = assertThrows(
                    IllegalArgumentException.class,
                    () -> obj.attachAll(AttachOptions.defaults().spec("nope", new RawTracepoint.Spec("sys_enter"))));
            assertTrue(
                    unknown.getMessage().contains("\"nope\"")
                            && unknown.getMessage().contains("u_entry"),
                    unknown.getMessage());

            AttachException wrongKind = assertThrows(
                    AttachException.class,
                    () -> obj.attachAll(AttachOptions.defaults().spec("tp", Xdp.Spec.of(Interfaces.indexes(1)))));
            assertTrue(
                    wrongKind.getMessage().contains("\"tp\" is a TRACEPOINT program; XDP takes a XDP program"),
                    wrongKind.getMessage());
        }
    }

    @Test
    void badArgumentsAreNamedNotReportedAsAMissingFeature() throws Exception {
        try (BpfObject obj = lanes().load()) {
            IllegalArgumentException ifindex = assertThrows(
                    IllegalArgumentException.class, () -> Xdp.attach(obj.program("xdp_pass"), -1, Xdp.Mode.DEFAULT));
            assertTrue(ifindex.getMessage().contains("interface index -1"), ifindex.getMessage());
            IllegalArgumentException type = assertThrows(
                    IllegalArgumentException.class, () -> Xdp.attach(obj.program("tp"), 1, Xdp.Mode.DEFAULT));
            assertTrue(type.getMessage().contains("TRACEPOINT"), type.getMessage());
            Path notCgroup = Files.createTempDirectory("bpf4j_not_cgroup");
            try {
                IllegalArgumentException dir = assertThrows(
                        IllegalArgumentException.class,
                        () -> Cgroup.attach(
                                obj.program("sock_create"), notCgroup, io.bpf4j.AttachType.CGROUP_INET_SOCK_CREATE));
                assertTrue(dir.getMessage().contains("not a cgroup v2 directory"), dir.getMessage());
            } finally {
                Files.delete(notCgroup);
            }
            IllegalArgumentException cpu = assertThrows(
                    IllegalArgumentException.class,
                    () -> PerfEvent.attach(
                            obj.program("on_tick"),
                            PerfEvent.Spec.frequency("cpu_clock", 99).cpus(List.of(999))));
            assertTrue(cpu.getMessage().contains("CPU 999 does not exist"), cpu.getMessage());
            IllegalArgumentException neg =
                    assertThrows(IllegalArgumentException.class, () -> Uprobe.Spec.of("libc.so.6", "getppid")
                            .offset(-4));
            assertTrue(neg.getMessage().contains("negative"), neg.getMessage());
            // The kernel's own refusal is in its words, not "needs Linux 5.9": an XDP program as a
            // cgroup hook is an EINVAL the kernel knows the attach type for.
            Path root = CGROUP_ROOT;
            Assumptions.assumeTrue(Files.isDirectory(root), "no cgroup v2 at " + root);
            io.bpf4j.BpfException refused = assertThrows(
                    io.bpf4j.BpfException.class,
                    () -> Cgroup.attach(obj.program("xdp_pass"), root, io.bpf4j.AttachType.CGROUP_INET_SOCK_CREATE));
            assertFalse(refused instanceof io.bpf4j.NotSupportedException, refused.toString());
            assertTrue(
                    refused.getMessage().contains("the kernel refused to attach")
                            && refused.getMessage().contains("EINVAL")
                            && refused.getMessage().contains("xdp_pass"),
                    refused.getMessage());
        }
    }
}
