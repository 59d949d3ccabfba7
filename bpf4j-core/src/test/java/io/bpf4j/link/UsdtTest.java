package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.ringbuf.RingBuffer;
import io.bpf4j.testing.Kernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * USDT programs written for libbpf (usdt.bpf.h, BPF_USDT) attached by bpf4j to a program built
 * with {@code <sys/sdt.h>}: every argument of every size and sign, from registers, memory and
 * constants, from the main binary and a shared library, with and without a semaphore.
 */
class UsdtTest {
    @TempDir
    static Path dir;

    static UsdtTarget target;

    /** One event of usdt_probes.bpf.c: probe, tgid, argc, cookie, args. */
    record Event(int probe, int tgid, int argc, long cookie, long[] args, long[] raw) {
        static Event of(MemorySegment s) {
            assertEquals(24 + 2 * 72, s.byteSize(), "struct usdt_event");
            long[] args = new long[9];
            long[] raw = new long[9];
            for (int i = 0; i < 9; i++) {
                args[i] = s.get(ValueLayout.JAVA_LONG_UNALIGNED, 24 + 8L * i);
                raw[i] = s.get(ValueLayout.JAVA_LONG_UNALIGNED, 24 + 72 + 8L * i);
            }
            return new Event(
                    s.get(ValueLayout.JAVA_INT_UNALIGNED, 0),
                    s.get(ValueLayout.JAVA_INT_UNALIGNED, 4),
                    s.get(ValueLayout.JAVA_INT_UNALIGNED, 8),
                    s.get(ValueLayout.JAVA_LONG_UNALIGNED, 16),
                    args,
                    raw);
        }
    }

    @BeforeAll
    static void build() throws Exception {
        Kernel.assumeRoot();
        target = UsdtTarget.build(dir);
    }

    private static BpfObject load() {
        return ObjectSpec.read(Kernel.bpfObject("usdt_probes")).load();
    }

    private static List<Event> drain(RingBuffer rb, int atLeast) {
        List<Event> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (events.size() < atLeast && System.nanoTime() < deadline) {
            rb.poll(Duration.ofMillis(100), rec -> events.add(Event.of(rec)));
        }
        rb.consume(rec -> events.add(Event.of(rec)));
        return events;
    }

    /** What each site of bpf4j_test:sizes passes (site, a..h), as usdt_target.c writes them. */
    private static final Map<Long, long[]> SIZES = Map.of(
            1L, new long[] {1, -1, 255, -32768, 65535, -2147483648L, 4294967295L, Long.MIN_VALUE, -1L /* 2^64-1 */},
            2L,
                    new long[] {
                        2,
                        -100,
                        200,
                        -1234,
                        54321,
                        -123456789,
                        3456789012L,
                        -1234567890123456789L,
                        Long.parseUnsignedLong("12345678901234567890")
                    },
            3L, new long[] {3, -5, 250, -30000, 65000, -2000000000, 4000000000L, -7, 4000000000L});

    private static void checkAll(List<Event> events, int pid, long cookie) {
        Map<Long, Event> sizes = new TreeMap<>();
        Event gated = null;
        Event lib = null;
        for (Event e : events) {
            assertEquals(pid, e.tgid(), "only the target fires these probes");
            switch (e.probe()) {
                case 1 -> sizes.put(e.args()[0], e);
                case 2 -> gated = e;
                case 3 -> lib = e;
                default -> throw new AssertionError("probe " + e.probe());
            }
        }
        assertEquals(SIZES.keySet(), sizes.keySet(), "every site of bpf4j_test:sizes fired once");
        for (Map.Entry<Long, Event> s : sizes.entrySet()) {
            assertArrayEquals(
                    SIZES.get(s.getKey()), s.getValue().args(), "site " + s.getKey() + ", BPF_USDT parameters");
            assertArrayEquals(SIZES.get(s.getKey()), s.getValue().raw(), "site " + s.getKey() + ", bpf_usdt_arg()");
            assertEquals(9, s.getValue().argc(), "bpf_usdt_arg_cnt");
            assertEquals(cookie, s.getValue().cookie(), "bpf_usdt_cookie");
        }
        assertTrue(gated != null, "the semaphore-guarded probe fired");
        assertEquals(-77, gated.args()[0]);
        assertEquals((long) -77 * 3, gated.args()[1], "(uint64_t)(int32_t)-77 * 3");
        assertEquals(2, gated.argc());
        assertArrayEquals(
                new long[] {-77, -231, 0, 0, 0, 0, 0, 0, 0}, gated.raw(), "bpf_usdt_arg() past the count gives 0");
        assertTrue(lib != null, "the library's probe fired");
        assertArrayEquals(new long[] {-42, 84, -1042, 0, 0, 0, 0, 0, 0}, lib.args());
        assertArrayEquals(new long[] {-42, 84, -1042, 0, 0, 0, 0, 0, 0}, lib.raw());
        assertEquals(3, lib.argc());
    }

    @Test
    void everyArgumentOfOneProcessWithItsSemaphoreRaised() throws Exception {
        try (BpfObject obj = load();
                RingBuffer rb = RingBuffer.open(obj.map("usdt_events"));
                UsdtTarget.Run run = target.start()) {
            assertEquals(0, run.readySemaphore, "nothing attached yet");
            int pid = run.pid();
            long cookie = 0x5eed_c0ffee_1234L;
            try (UsdtLink sizes = Usdt.attach(
                            obj,
                            obj.program("on_sizes"),
                            Usdt.Spec.of(target.binary.toString(), "bpf4j_test", "sizes")
                                    .forPid(pid)
                                    .withCookie(cookie));
                    UsdtLink gated = Usdt.attach(
                            obj,
                            obj.program("on_gated"),
                            Usdt.Spec.of(target.binary.toString(), "bpf4j_test", "gated")
                                    .forPid(pid)
                                    .withCookie(cookie));
                    UsdtLink lib = Usdt.attach(
                            obj,
                            obj.program("on_lib"),
                            Usdt.Spec.of(target.library.toString(), "bpf4j_lib", "fired")
                                    .forPid(pid)
                                    .withCookie(cookie))) {
                assertEquals(3, sizes.sites());
                assertEquals(3, sizes.specIds().length, "three distinct argument strings, three specs");
                assertEquals(1, gated.sites());
                assertEquals(1, lib.sites());
                int[] done = run.go();
                assertEquals(1, done[0], "the kernel raised the semaphore of the running process");
                assertEquals(1, done[1], "the guarded probe fired");
                checkAll(drain(rb, 5), pid, cookie);
            }
        }
    }

    @Test
    void everyProcessAndTheSemaphoreOfALaterOne() throws Exception {
        try (BpfObject obj = load();
                RingBuffer rb = RingBuffer.open(obj.map("usdt_events"))) {
            if (!UsdtCookies.supported()) {
                // Before 5.15 the program finds its spec by address: a PIE needs a pid (as in libbpf).
                assertThrows(
                        io.bpf4j.NotSupportedException.class,
                        () -> Usdt.attach(
                                obj,
                                obj.program("on_sizes"),
                                Usdt.Spec.of(target.binary.toString(), "bpf4j_test", "sizes")));
                return;
            }
            List<UsdtLink> links = List.of(
                    Usdt.attach(
                            obj,
                            obj.program("on_sizes"),
                            Usdt.Spec.of(target.binary.toString(), "bpf4j_test", "sizes")),
                    Usdt.attach(
                            obj,
                            obj.program("on_gated"),
                            Usdt.Spec.of(target.binary.toString(), "bpf4j_test", "gated")),
                    Usdt.attach(
                            obj, obj.program("on_lib"), Usdt.Spec.of(target.library.toString(), "bpf4j_lib", "fired")));
            try (UsdtTarget.Run run = target.start()) {
                assertEquals(
                        1, run.readySemaphore, "a process started while attached has its semaphore raised at exec");
                int[] done = run.go();
                assertEquals(1, done[1]);
                checkAll(drain(rb, 5), run.pid(), 0);
            } finally {
                links.forEach(UsdtLink::close);
            }
            try (UsdtTarget.Run run = target.start()) {
                assertEquals(0, run.readySemaphore, "detached: the semaphore is not raised");
                int[] done = run.go();
                assertEquals(0, done[0]);
                assertEquals(0, done[1], "detached: the guarded probe does not fire");
                assertEquals(List.of(), drain(rb, 0), "detached: no events");
            }
        }
    }

    @Test
    void autoAttachFromTheSectionName() throws Exception {
        // SEC("usdt/usdt_target:bpf4j_test:gated"), its path pointed at the binary this test built.
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("usdt_auto"));
        assertEquals(
                "usdt_target:bpf4j_test:gated",
                spec.programs().get("on_gated_auto").attachTo());
        spec = spec.withProgramType(
                "on_gated_auto",
                io.bpf4j.ProgramType.KPROBE,
                java.util.Optional.empty(),
                target.binary + ":bpf4j_test:gated");
        try (BpfObject obj = spec.load()) {
            if (!UsdtCookies.supported()) {
                AttachException e =
                        assertThrows(AttachException.class, obj::attachAll, "a PIE for every process needs cookies");
                assertTrue(e.notSupported(), e.toString());
                return;
            }
            List<Link> links = obj.attachAll().links();
            assertEquals(1, links.size(), "one site");
            io.bpf4j.TypedMap<Integer, Long> seen = io.bpf4j.TypedMap.of(
                    obj.map("usdt_seen"), io.bpf4j.codec.Codecs.s32(), io.bpf4j.codec.Codecs.s64());
            try (UsdtTarget.Run run = target.start()) {
                assertEquals(1, run.readySemaphore);
                assertEquals(1, run.go()[1]);
            }
            assertEquals(-77L, seen.get(0).orElseThrow());
            assertEquals(-231L, seen.get(1).orElseThrow());
        }
        try (UsdtTarget.Run run = target.start()) {
            assertEquals(0, run.readySemaphore, "closing the object detached the auto-attached probe");
        }
    }

    /** The JDK's own libjvm.so: hotspot:thread__start fires in this JVM when a thread starts. */
    @Test
    void thisJvmsThreadStartProbe() throws Exception {
        Path libjvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        List<UsdtProbe> starts = Usdt.probes(libjvm).stream()
                .filter(p -> p.id().equals("hotspot:thread__start"))
                .toList();
        org.junit.jupiter.api.Assumptions.assumeFalse(starts.isEmpty(), "this JDK's libjvm.so has no hotspot probes");
        int self = (int) ProcessHandle.current().pid();
        String name = "bpf4j-usdt-" + Long.toHexString(System.nanoTime());
        try (BpfObject obj = load();
                RingBuffer rb = RingBuffer.open(obj.map("jvm_threads"));
                UsdtLink l = Usdt.attach(
                        obj,
                        obj.program("on_thread_start"),
                        Usdt.Spec.of(libjvm.toString(), "hotspot", "thread__start")
                                .forPid(self))) {
            assertEquals(starts.size(), l.sites());
            Thread t = Thread.ofPlatform().name(name).daemon(true).start(() -> {});
            t.join();
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            boolean found = false;
            while (!found && System.nanoTime() < deadline) {
                List<MemorySegment> recs = new ArrayList<>();
                rb.poll(
                        Duration.ofMillis(100),
                        rec -> recs.add(MemorySegment.ofArray(rec.toArray(ValueLayout.JAVA_BYTE))));
                for (MemorySegment rec : recs) {
                    String n = rec.asSlice(24, 64).getString(0);
                    seen.add(n);
                    if (n.equals(name)) {
                        found = true;
                        assertEquals(t.threadId(), rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0), "java tid");
                        assertTrue(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 8) > 0, "native tid");
                        assertEquals(name.length(), rec.get(ValueLayout.JAVA_INT_UNALIGNED, 16), "name length");
                        assertEquals(1, rec.get(ValueLayout.JAVA_INT_UNALIGNED, 20) & 0xff, "daemon");
                    }
                }
            }
            assertTrue(found, "thread " + name + " among " + seen);
        }
    }

    @Test
    void specIdsAreReusedAfterClose() throws Exception {
        try (BpfObject obj = load();
                UsdtTarget.Run run = target.start()) {
            Usdt.Spec spec = Usdt.Spec.of(target.binary.toString(), "bpf4j_test", "sizes")
                    .forPid(run.pid());
            if (!UsdtCookies.supported()) {
                // Without cookies one address maps to one spec: a second attachment there collides, as in libbpf.
                try (UsdtLink _ = Usdt.attach(obj, obj.program("on_sizes"), spec)) {
                    BpfException e =
                            assertThrows(BpfException.class, () -> Usdt.attach(obj, obj.program("on_sizes"), spec));
                    assertTrue(e.getMessage().contains("collision"), e.getMessage());
                }
                try (UsdtLink l = Usdt.attach(obj, obj.program("on_sizes"), spec)) {
                    assertEquals(3, l.sites(), "closing removed the address entries");
                }
                return;
            }
            int[] first;
            try (UsdtLink l = Usdt.attach(obj, obj.program("on_sizes"), spec)) {
                first = l.specIds();
                try (UsdtLink again = Usdt.attach(obj, obj.program("on_sizes"), spec)) {
                    assertTrue(
                            java.util.Arrays.stream(again.specIds()).noneMatch(id -> java.util.Arrays.stream(first)
                                    .anyMatch(f -> f == id)),
                            "two live attachments share no spec id");
                }
            }
            try (UsdtLink l = Usdt.attach(obj, obj.program("on_sizes"), spec)) {
                assertArrayEquals(first, l.specIds(), "freed ids are taken again");
            }
        }
    }

    @Test
    void errorsNameTheProbeAndListTheBinarysProbes() {
        try (BpfObject obj = load()) {
            BpfException missing = assertThrows(
                    BpfException.class,
                    () -> Usdt.attach(
                            obj,
                            obj.program("on_sizes"),
                            Usdt.Spec.of(target.binary.toString(), "bpf4j_test", "nope")));
            assertTrue(
                    missing.getMessage().contains("bpf4j_test:nope")
                            && missing.getMessage().contains(target.binary.toString())
                            && missing.getMessage().contains("bpf4j_test:sizes (3 sites)")
                            && missing.getMessage().contains("bpf4j_test:gated"),
                    missing.getMessage());
            BpfException none = assertThrows(
                    BpfException.class,
                    () -> Usdt.attach(
                            obj,
                            obj.program("on_sizes"),
                            Usdt.Spec.of("libc.so.6", "libc", "setjmp").withCookie(1)));
            assertTrue(none.getMessage().contains("libc:setjmp"), none.getMessage());
            BpfException noFile = assertThrows(
                    BpfException.class,
                    () -> Usdt.attach(obj, obj.program("on_sizes"), Usdt.Spec.of("libno_such_usdt_lib.so", "a", "b")));
            assertTrue(noFile.getMessage().contains("libno_such_usdt_lib.so"), noFile.getMessage());
        }
        try (BpfObject plain = ObjectSpec.read(Kernel.bpfObject("link_probes")).load()) {
            BpfException noMaps = assertThrows(
                    BpfException.class,
                    () -> Usdt.attach(
                            plain,
                            plain.program("on_call"),
                            Usdt.Spec.of(target.binary.toString(), "bpf4j_test", "sizes")));
            assertTrue(
                    noMaps.getMessage().contains("usdt.bpf.h")
                            && noMaps.getMessage().contains("__bpf_usdt_specs"),
                    noMaps.getMessage());
        }
    }
}
