package io.bpf4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.KernelFeature;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C types to Java (codegen_kinds.bpf.c): what is generated, and that the typed maps round-trip it in the kernel. */
class TypeMappingTest {
    @TempDir
    static Path work;

    static Path object;
    static String source;

    @BeforeAll
    static void generate() throws Exception {
        object = TestObjects.compileBpf("codegen_kinds", work, true);
        List<Path> written = SkeletonGenerator.generate(
                object, GeneratorOptions.of("gen.exec", "bpf/codegen_kinds.bpf.o"), work.resolve("src"));
        source = Files.readString(written.get(0));
    }

    @Test
    void declaresJavaTypesForEveryKind() {
        assertTrue(
                source.contains("public record Shapes(\n"
                        + "            Point[] pts,\n"
                        + "            long[][] grid,\n"
                        + "            String[] names,\n"
                        + "            Wide w,\n"
                        + "            OpModeT mode,\n"
                        + "            OpModeT[] modes,\n"
                        + "            long ptr,\n"
                        + "            float ratio,\n"
                        + "            StringStruct label,\n"
                        + "            byte[] raw,\n"
                        + "            boolean on) {"),
                source);
        assertTrue(source.contains("Its member {@code class} is not a component"), "the keyword member is documented");
        assertTrue(source.contains("WIDE_BIG(4294967296L)"), "enum64 values");
        assertTrue(source.contains("C: {@code op_mode_t (anonymous enum)} (4 bytes, unsigned)"), source);
        assertTrue(source.contains("public enum OpModeT {"), "an anonymous enum takes its typedef's name");
        assertTrue(source.contains("public record StringStruct(String text)"), "struct string does not shadow String");
        assertTrue(source.contains("C: {@code union number} (4 bytes); its components share the same bytes"), source);
        assertTrue(source.contains("public TypedArray<Shapes> shapes()"), source);
        assertTrue(source.contains("public TypedHashMap<Point, Number> numbers()"), source);
        assertTrue(source.contains("public TypedQueue<Point> work()"), source);
        assertTrue(source.contains("public PerCpuMap<Long, Point> perCpu()"), source);
        assertTrue(source.contains("public TypedHashMap<Long, OpModeT> modes()"), source);
    }

    @Test
    void typedMapsRoundTripEveryKind() throws Exception {
        KernelFeature.assumePrivileged();
        Path classes = work.resolve("classes");
        TestObjects.compileJava(
                work.resolve("src"), List.of(TestObjects.DRIVERS.resolve("gen/exec/KindsDriver.java")), classes);
        Map<String, Object> seen;
        try (URLClassLoader l = TestObjects.loader(classes)) {
            @SuppressWarnings("unchecked")
            Function<Path, Map<String, Object>> driver = (Function<Path, Map<String, Object>>)
                    l.loadClass("gen.exec.KindsDriver").getConstructor().newInstance();
            seen = driver.apply(object);
        }
        assertEquals(
                "Shapes(pts=[Point(x=-1, y=2), Point(x=3, y=-4)], grid=[[1, 2, 3], [4, 5, 4000000000]],"
                        + " names=[ab, cdefghi], w=WIDE_BIG, mode=MODE_ON, modes=[MODE_OFF, MODE_ON], ptr=3735928559,"
                        + " ratio=1.5, label=StringStruct(text=label), raw=[1, -1, 3], on=true)",
                seen.get("shapes.written"));
        assertEquals(seen.get("shapes.written"), seen.get("shapes.read"));
        assertEquals(true, seen.get("shapes.equal"), "records with arrays compare by contents");
        assertEquals(
                "Shapes[pts=[Point[x=-1, y=2], Point[x=3, y=-4]], grid=[[1, 2, 3], [4, 5, 4000000000]],"
                        + " names=[ab, cdefghi], w=WIDE_BIG, mode=MODE_ON, modes=[MODE_OFF, MODE_ON], ptr=3735928559,"
                        + " ratio=1.5, label=StringStruct[text=label], raw=[1, -1, 3], on=true]",
                seen.get("shapes.toString"));
        assertEquals(
                "Shapes(pts=[Point(x=0, y=0), Point(x=0, y=0)], grid=[[0, 0, 0], [0, 0, 0]], names=[, ], w=null,"
                        .substring(0, 60),
                ((String) seen.get("shapes.zero")).substring(0, 60));
        assertEquals((long) Float.floatToIntBits(1.5f), seen.get("numbers.u"), "the union's last component won");
        assertEquals(1.5f, seen.get("numbers.f"));
        assertEquals("Point(x=7, y=8)", seen.get("work.pop"));
        assertEquals("Point(x=0, y=0)", seen.get("perCpu[0]"));
        assertEquals("MODE_ON", seen.get("modes[5]"));
        assertEquals("pass", seen.get("pass"));
    }
}
