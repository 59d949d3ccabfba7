package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * bpf4j and libbpf load the same objects into the same kernel objects: for every object of the
 * suite that both load, each program has the same tag (the hash of its instructions with map fds
 * cleared), translated length and verified-instruction count, and each map the same name, type,
 * sizes, entries and flags. libbpf is reached through {@code bpftool prog loadall ... pinmaps}.
 */
class LibbpfParityTest {

    /** What the kernel holds for one loaded object: programs and maps by kernel name. */
    record Loaded(Map<String, String> programs, Map<String, String> maps) {}

    static String describe(ProgramInfo p) {
        return "tag " + HexFormat.of().formatHex(p.tag()) + ", xlated " + p.xlatedSize() + " B, verified "
                + p.verifiedInstructions() + " insns";
    }

    static String describe(MapInfo m) {
        return m.type().map(Enum::name).orElse("type " + m.rawType()) + " key " + m.keySize() + " value "
                + m.valueSize() + " max " + m.maxEntries() + " flags 0x" + Integer.toHexString(m.flags());
    }

    static Loaded bpf4j(Path object) {
        Map<String, String> progs = new TreeMap<>();
        Map<String, String> maps = new TreeMap<>();
        ObjectSpec spec = ObjectSpec.read(object);
        try (BpfObject o = spec.load()) {
            // The kernel took the object's BTF (a refused BTF would load silently without it).
            o.programs()
                    .forEach((n, p) -> assertTrue(
                            spec.btf().isEmpty() || p.info().btfId() > 0,
                            n + " of " + object + " loaded without its BTF"));
            o.programs().forEach((n, p) -> progs.put(p.info().name(), describe(p.info())));
            o.maps().forEach((n, m) -> maps.put(m.info().name(), describe(m.info())));
        }
        return new Loaded(progs, maps);
    }

    static Loaded libbpf(Path bpftool, Path object, Path dir) throws IOException, InterruptedException {
        Path progDir = dir.resolve("progs");
        Path mapDir = dir.resolve("maps");
        try {
            Files.createDirectories(dir); // bpftool pins below an existing directory only
            Process p = new ProcessBuilder(
                            bpftool.toString(),
                            "prog",
                            "loadall",
                            object.toString(),
                            progDir.toString(),
                            "pinmaps",
                            mapDir.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("libbpf did not load " + object + ":\n" + out);
            }
            Map<String, String> progs = new TreeMap<>();
            Map<String, String> maps = new TreeMap<>();
            for (Path pin : list(progDir)) {
                try (Program prog = Program.fromPin(pin)) {
                    progs.put(prog.info().name(), describe(prog.info()));
                }
            }
            for (Path pin : list(mapDir)) {
                try (BpfMap map = BpfMap.fromPin(pin)) {
                    maps.put(map.info().name(), describe(map.info()));
                }
            }
            assertTrue(!progs.isEmpty(), "bpftool loaded nothing: " + out);
            return new Loaded(progs, maps);
        } finally {
            BpfTool.removeTree(dir);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Objects that load (on every kernel, or on those a probe says have what they need). */
    private static boolean loads(ObjectSuiteTest.Expected e) {
        return e instanceof ObjectSuiteTest.Loads || e instanceof ObjectSuiteTest.LoadsUnlessRefused;
    }

    @Test
    void theSuiteIsLargeEnough() throws IOException {
        long comparable = ObjectSuiteTest.compiledObjects().stream()
                .filter(p -> loads(ObjectSuiteTest.SUITE.get(ObjectSuiteTest.objectName(p))))
                .count();
        assertTrue(comparable >= 25, "the parity suite compares " + comparable + " objects, needs 25");
    }

    @TestFactory
    Stream<DynamicTest> programsAndMapsAreTheSameAsLibbpfs() throws IOException {
        Kernel.assumeRoot();
        Path bpffs = Kernel.bpffs();
        Path bpftool = BpfTool.find().orElse(null);
        Assumptions.assumeTrue(bpftool != null, "bpftool is not installed: no libbpf reference to compare with");
        return ObjectSuiteTest.compiledObjects().stream()
                .filter(p -> loads(ObjectSuiteTest.SUITE.get(ObjectSuiteTest.objectName(p))))
                .map(obj -> DynamicTest.dynamicTest(ObjectSuiteTest.objectName(obj), () -> {
                    if (ObjectSuiteTest.SUITE.get(ObjectSuiteTest.objectName(obj))
                            instanceof ObjectSuiteTest.LoadsUnlessRefused l) {
                        KernelFeature.assume(l.probe(), l.feature(), l.reason());
                    }
                    Path dir = bpffs.resolve(
                            "bpf4j_parity_" + ProcessHandle.current().pid() + "_" + ObjectSuiteTest.objectName(obj));
                    Loaded theirs = libbpf(bpftool, obj, dir);
                    Loaded ours = bpf4j(obj);
                    assertEquals(theirs.programs(), ours.programs(), "programs of " + obj);
                    assertEquals(theirs.maps(), ours.maps(), "maps of " + obj);
                }));
    }
}
