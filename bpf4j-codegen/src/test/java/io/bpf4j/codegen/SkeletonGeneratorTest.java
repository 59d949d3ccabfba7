package io.bpf4j.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.MapType;
import io.bpf4j.testing.KernelFeature;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkeletonGeneratorTest {
    private static final String PACKAGE = "gen.exec";
    private static final String RESOURCE = "bpf/codegen_exec.bpf.o";

    @TempDir
    static Path work;

    static Path object;

    @BeforeAll
    static void compileObject() throws Exception {
        object = TestObjects.compileBpf("codegen_exec", work, true);
    }

    private static GeneratorOptions options() {
        // "samples" carries struct perf_sample: named here (events names its type in C with BPF4J_RECORD).
        return GeneratorOptions.of(PACKAGE, RESOURCE).withRecordType("samples", "perf_sample");
    }

    @Test
    void writesOneSkeletonWithRecordsForMapsRingsAndGlobals() throws Exception {
        Path out = work.resolve("types");
        List<Path> written = SkeletonGenerator.generate(object, options(), out);
        assertEquals(List.of(out.resolve("gen/exec/CodegenExec.java")), written);
        Path classes = work.resolve("types-classes");
        TestObjects.compileJava(out, List.of(), classes);
        try (URLClassLoader l = TestObjects.loader(classes)) {
            // struct event from BPF4J_RECORD: camelCase components, C types to the Java types the codecs bind.
            assertEquals(
                    "long pid, long ppidUnused, EventKind kind, long seq, long cookie, String comm, EventNet net,"
                            + " long asU32, byte[] asBytes, boolean marked",
                    components(l, "CodegenExec$Event"));
            assertEquals("int port, byte delta", components(l, "CodegenExec$EventNet"));
            assertEquals("long pid, int value", components(l, "CodegenExec$PerfSample"));
            assertEquals(
                    "long pid, String comm", components(l, "CodegenExec$ExecKeyT"), "typedef'd anonymous struct key");
            assertEquals("long count, long lastSeq, int[] ports", components(l, "CodegenExec$ExecStats"));
            assertEquals("long maxEvents, long seen", components(l, "CodegenExec$Limits"));
            Class<?> kind = l.loadClass(PACKAGE + ".CodegenExec$EventKind");
            Object[] constants = kind.getEnumConstants();
            assertEquals("[KIND_EXEC, KIND_FORK, KIND_EXIT]", Arrays.toString(constants));
            assertEquals(3L, kind.getMethod("value").invoke(constants[2]), "enum constants carry their C values");
        }
        String source = Files.readString(written.get(0));
        assertTrue(source.contains("C: {@code struct event} (56 bytes)"), "C names in Javadoc");
        assertTrue(source.contains("@param ppidUnused C: {@code __u32 ppid_unused} at offset 4; unsigned"), source);
        assertTrue(source.contains("bitfield {@code flags_bits} is not a component"), "the bitfield is documented");
        assertTrue(!source.contains("__bpf4j_record__"), "the record marker is not a global of the skeleton");
        assertTrue(!source.contains("codegenRodata"), "data section maps are typed sections, not raw maps");
    }

    private static String components(ClassLoader l, String name) throws ClassNotFoundException {
        Class<?> c = l.loadClass(PACKAGE + "." + name);
        return String.join(
                ", ",
                Stream.of(c.getRecordComponents())
                        .map((RecordComponent rc) -> rc.getType().getSimpleName() + " " + rc.getName())
                        .toList());
    }

    @Test
    void sameObjectGivesSameBytes() throws Exception {
        Path a = work.resolve("det-a");
        Path b = work.resolve("det-b");
        List<Path> first = SkeletonGenerator.generate(object, options(), a);
        List<Path> second = SkeletonGenerator.generate(object, options(), b);
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(a.relativize(first.get(i)), b.relativize(second.get(i)));
            assertArrayEquals(Files.readAllBytes(first.get(i)), Files.readAllBytes(second.get(i)));
        }
        // A second run over an unchanged output leaves the files alone (incremental builds see no change).
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first.get(0), old);
        SkeletonGenerator.generate(object, options(), a);
        assertEquals(old, Files.getLastModifiedTime(first.get(0)));
        // Also for a copy of the object under another directory: nothing of the path leaks into the source.
        Path copy = Files.createDirectories(work.resolve("elsewhere")).resolve(object.getFileName());
        Files.copy(object, copy);
        Map<String, String> moved = SkeletonGenerator.sources(copy, options());
        assertEquals(Files.readString(first.get(0)), moved.get("CodegenExec"));
    }

    @Test
    void generatedSkeletonLoadsAttachesAndReadsTypedRecords() throws Exception {
        KernelFeature.assumePrivileged();
        KernelFeature.assumeMapType(MapType.RINGBUF);
        Path out = work.resolve("run");
        SkeletonGenerator.generate(object, options(), out);
        Path classes = work.resolve("run-classes");
        TestObjects.compileJava(out, List.of(TestObjects.DRIVERS.resolve("gen/exec/ExecDriver.java")), classes);
        Files.createDirectories(classes.resolve("bpf"));
        Files.copy(object, classes.resolve(RESOURCE));
        Map<String, Object> seen;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader l = TestObjects.loader(classes)) {
            Thread.currentThread().setContextClassLoader(l);
            @SuppressWarnings("unchecked")
            Function<Path, Map<String, Object>> driver = (Function<Path, Map<String, Object>>)
                    l.loadClass(PACKAGE + ".ExecDriver").getConstructor().newInstance();
            seen = driver.apply(object);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        // Constants set through the builder, read back after load and seen by the program.
        assertEquals(42L, seen.get("rodata.cookie"));
        assertEquals("KIND_FORK", seen.get("rodata.reportKind"));
        assertEquals("Limits[maxEvents=1000, seen=5]", seen.get("data.limits"));
        assertEquals(-9, seen.get("bss.lastPid.initial"));
        assertEquals(1, seen.get("attached"));
        // The exec's record, typed: sh exec'd /bin/true (comm is still the caller's at sys_enter_execve).
        assertTrue(((List<?>) seen.get("event.comms")).contains("sh"), "comms of the child's execs: " + seen);
        assertEquals(42L, seen.get("event.cookie"));
        assertEquals("KIND_FORK", seen.get("event.kind"));
        assertEquals(8080, seen.get("event.net.port"));
        assertEquals(-2, seen.get("event.net.delta"));
        assertEquals(0x01020304L, seen.get("event.asU32"));
        assertEquals(true, seen.get("event.marked"));
        assertTrue(((List<?>) seen.get("sample.values")).contains(-5), "perf samples: " + seen);
        // Typed maps and globals.
        assertEquals(List.of(80, 443), seen.get("stats.ports"));
        assertTrue((Long) seen.get("stats.count") >= 1);
        assertTrue((Long) seen.get("totals[0]") >= 3, "three execs at least: " + seen);
        assertTrue((Long) seen.get("bss.execCount") >= 3, "exec_count: " + seen);
        assertEquals("18446744073709551615 -7 65535,1", seen.get("stats.written"));
        // The .data write took effect in the program: no room, so no record and no count.
        assertEquals(0, seen.get("limited.events"));
        assertEquals(0L, seen.get("limited.execCountDelta"));
        assertEquals(0L, seen.get("limited.seen"));
        // load() read the class-path resource, with the constants the object was compiled with.
        assertEquals(7L, seen.get("resource.cookie"));
    }

    @Test
    void bufferWithoutRecordTypeGetsItsRawReader() throws Exception {
        Path out = work.resolve("untyped");
        SkeletonGenerator.generate(object, GeneratorOptions.of(PACKAGE, RESOURCE), out);
        Path classes = work.resolve("untyped-classes");
        TestObjects.compileJava(out, List.of(), classes);
        try (URLClassLoader l = TestObjects.loader(classes)) {
            Class<?> skel = l.loadClass(PACKAGE + ".CodegenExec");
            assertEquals(
                    io.bpf4j.perf.PerfBuffer.class,
                    skel.getMethod("samplesPerf").getReturnType());
            assertEquals(
                    io.bpf4j.ringbuf.RingBuffer.class,
                    skel.getMethod("eventsRing").getReturnType());
            assertTrue(
                    Stream.of(skel.getMethods()).noneMatch(m -> m.getName().equals("pollSamples")),
                    "no typed reads without a record type");
            assertTrue(
                    Stream.of(skel.getMethods()).anyMatch(m -> m.getName().equals("pollEvents")),
                    "events still typed by BPF4J_RECORD");
        }
    }

    @Test
    void objectWithoutBtfIsRefusedNamingTheFix() throws Exception {
        Path plain = TestObjects.compileBpf("codegen_exec", work.resolve("nobtf"), false);
        Path out = work.resolve("nobtf-out");
        GeneratorException e =
                assertThrows(GeneratorException.class, () -> SkeletonGenerator.generate(plain, options(), out));
        assertTrue(e.getMessage().startsWith(plain.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("clang -g"), e.getMessage());
        assertEquals(plain.toString(), e.object());
        assertTrue(Files.notExists(out), "nothing written");
    }

    @Test
    void unknownRecordStructIsRefusedListingTheStructs() {
        Path out = work.resolve("unknown-out");
        GeneratorException e = assertThrows(
                GeneratorException.class,
                () -> SkeletonGenerator.generate(
                        object, options().withRecordType("samples", "struct perf_sampel"), out));
        assertEquals("struct perf_sampel", e.cType().orElseThrow());
        assertTrue(
                e.getMessage()
                        .contains("map \"samples\": record type \"struct perf_sampel\" is not in the object's BTF"),
                e.getMessage());
        assertTrue(e.getMessage().contains("perf_sample,") || e.getMessage().contains("perf_sample]"), e.getMessage());
        assertTrue(e.getMessage().contains("BPF4J_RECORD(samples, struct perf_sampel)"), e.getMessage());
        assertTrue(Files.notExists(out), "nothing written");
    }

    @Test
    void recordTypeForAMapThatIsNoBufferOrIsMissingIsRefused() {
        GeneratorException hash = assertThrows(
                GeneratorException.class,
                () -> SkeletonGenerator.sources(object, options().withRecordType("stats", "event")));
        assertTrue(
                hash.getMessage()
                        .contains("map \"stats\" is a HASH map; a record type is for RINGBUF and"
                                + " PERF_EVENT_ARRAY maps"),
                hash.getMessage());
        GeneratorException missing = assertThrows(
                GeneratorException.class,
                () -> SkeletonGenerator.sources(object, options().withRecordType("evnts", "event")));
        assertTrue(
                missing.getMessage().contains("map \"evnts\", which the object does not have; its maps are"),
                missing.getMessage());
    }

    @Test
    void fileThatIsNoObjectIsRefused() throws IOException {
        Path junk = Files.writeString(work.resolve("junk.bpf.o"), "not an ELF file");
        GeneratorException e = assertThrows(GeneratorException.class, () -> SkeletonGenerator.sources(junk, options()));
        assertTrue(e.getMessage().startsWith(junk + ": not a BPF object bpf4j can read"), e.getMessage());
    }

    @Test
    void classNameDerivesFromTheFileOrIsGiven() throws Exception {
        assertEquals(
                "CodegenExec",
                SkeletonGenerator.sources(object, options()).keySet().iterator().next());
        assertEquals(
                "Exec",
                SkeletonGenerator.sources(object, options().withClassName("Exec"))
                        .keySet()
                        .iterator()
                        .next());
        assertEquals("TcpRtt", JavaNames.skeleton("tcp_rtt.bpf.o"));
        assertEquals("Execsnoop", JavaNames.skeleton("execsnoop.bpf.o"));
        assertThrows(IllegalArgumentException.class, () -> GeneratorOptions.of("com.example.", RESOURCE));
        assertThrows(IllegalArgumentException.class, () -> GeneratorOptions.of("p", RESOURCE)
                .withClassName("class"));
    }
}
