package io.bpf4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compile goal's incremental rebuilds, run with the real clang on a project in a temporary directory. */
class CompileMojoTest {
    @TempDir
    Path project;

    /** What the goal logged at info level. */
    private final List<String> log = new ArrayList<>();

    private CompileMojo mojo(List<String> compilerArgs) throws Exception {
        CompileMojo m = new CompileMojo();
        set(m, "sourceDirectory", project.resolve("src/main/bpf").toFile());
        set(m, "outputDirectory", project.resolve("target/classes").toFile());
        set(m, "resourceDirectory", "bpf");
        set(m, "workDirectory", project.resolve("target/bpf4j").toFile());
        set(m, "basedir", project.toFile());
        set(m, "vmlinuxHeader", project.resolve("src/main/bpf/vmlinux.h").toFile()); // checked in: no BTF needed
        set(m, "compilerArgs", compilerArgs);
        m.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                log.add(content.toString());
            }
        });
        return m;
    }

    private static void set(Object o, String field, Object value) throws Exception {
        Field f = o.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(o, value);
    }

    /** The sources the last run compiled, from its log. */
    private List<String> compiled() {
        List<String> c = log.stream()
                .filter(l -> l.startsWith("bpf4j: compiling "))
                .map(l -> l.substring("bpf4j: compiling ".length(), l.indexOf(" -> ")))
                .sorted()
                .toList();
        log.clear();
        return c;
    }

    private Path write(String rel, String text) throws Exception {
        Path p = project.resolve("src/main/bpf").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    /**
     * An edit of {@code p} after the last build: every file of the project is dated a minute back
     * (the build happened then), {@code p} now.
     */
    private void touch(Path p) throws Exception {
        FileTime before = FileTime.from(Instant.now().minusSeconds(60));
        try (var files = Files.walk(project)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(f, before);
            }
        }
        Files.setLastModifiedTime(p, FileTime.from(Instant.now()));
    }

    private static final String PROGRAM = """
            #include "vmlinux.h"
            #include "common.h"
            SEC("socket")
            int prog(void *ctx) { return VALUE; }
            char LICENSE[] SEC("license") = "GPL";
            """;

    @Test
    void rebuildsWhatAChangedFileOrConfigurationTouchesAndNothingElse() throws Exception {
        write("vmlinux.h", "typedef unsigned int __u32;\n");
        Path common = write("common.h", "#define SEC(n) __attribute__((section(n), used))\n#define VALUE 1\n");
        Path a = write("a.bpf.c", PROGRAM);
        write("net/b.bpf.c", PROGRAM.replace("\"common.h\"", "<common.h>"));

        mojo(List.of()).execute();
        assertEquals(List.of("a.bpf.c", "net/b.bpf.c"), compiled());
        assertTrue(Files.size(project.resolve("target/classes/bpf/net/b.bpf.o")) > 0);

        mojo(List.of()).execute();
        assertEquals(List.of(), compiled(), "nothing changed");

        touch(common);
        mojo(List.of()).execute();
        assertEquals(List.of("a.bpf.c", "net/b.bpf.c"), compiled(), "the shared header changed");

        touch(a);
        mojo(List.of()).execute();
        assertEquals(List.of("a.bpf.c"), compiled(), "one source changed");

        Path vmlinux = write("vmlinux.h", "typedef unsigned int __u32;\ntypedef unsigned long long __u64;\n");
        touch(vmlinux);
        mojo(List.of()).execute();
        assertEquals(List.of("a.bpf.c", "net/b.bpf.c"), compiled(), "the checked-in vmlinux.h changed");

        mojo(List.of("-DEXTRA=1")).execute();
        assertEquals(List.of("a.bpf.c", "net/b.bpf.c"), compiled(), "the flags changed");

        Files.delete(project.resolve("src/main/bpf/net/b.bpf.c"));
        mojo(List.of("-DEXTRA=1")).execute();
        assertEquals(List.of(), compiled());
        assertFalse(
                Files.exists(project.resolve("target/classes/bpf/net/b.bpf.o")),
                "the object of a deleted source is removed");
    }

    @Test
    void aCompileErrorFailsWithClangsFileAndLineAndLeavesNoObject() throws Exception {
        write("vmlinux.h", "\n");
        write("bad.bpf.c", "int f(void)\n{\n    return missing;\n}\n");
        MojoFailureException e =
                assertThrows(MojoFailureException.class, () -> mojo(List.of()).execute());
        assertTrue(
                e.getMessage().contains("bad.bpf.c:3:12: error: use of undeclared identifier 'missing'"),
                e.getMessage());
        assertFalse(Files.exists(project.resolve("target/classes/bpf/bad.bpf.o")));
        // the next build tries again rather than taking the failed source as up to date
        assertThrows(MojoFailureException.class, () -> mojo(List.of()).execute());
    }

    @Test
    void aMissingClangSaysWhatToInstall() throws Exception {
        write("x.bpf.c", "int x;\n");
        CompileMojo m = mojo(List.of());
        set(m, "clang", new File(project.toFile(), "no/clang-16").getPath());
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("apt install clang-16"), e.getMessage());
        assertTrue(e.getMessage().contains("no/clang-16"), e.getMessage());
    }
}
