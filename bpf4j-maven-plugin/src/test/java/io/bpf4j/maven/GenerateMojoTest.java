package io.bpf4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generate goal on objects the compile goal built with the real clang. */
class GenerateMojoTest {
    @TempDir
    Path project;

    private static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            struct event { __u32 pid; char comm[16]; };
            const struct event *keep_event __attribute__((unused));
            struct {
                __uint(type, BPF_MAP_TYPE_RINGBUF);
                __uint(max_entries, 4096);
            } events SEC(".maps");
            SEC("socket")
            int prog(void *ctx) { return 0; }
            char LICENSE[] SEC("license") = "GPL";
            """;

    private <M extends AbstractMojo> M common(M m) throws Exception {
        set(m, "sourceDirectory", project.resolve("src/main/bpf").toFile());
        set(m, "outputDirectory", project.resolve("target/classes").toFile());
        set(m, "resourceDirectory", "bpf");
        set(m, "workDirectory", project.resolve("target/bpf4j").toFile());
        m.setLog(new SystemStreamLog());
        return m;
    }

    private void compile() throws Exception {
        CompileMojo c = common(new CompileMojo());
        set(c, "basedir", project.toFile());
        c.execute();
    }

    private GenerateMojo generate(MavenProject mp, Map<String, String> records) throws Exception {
        GenerateMojo g = common(new GenerateMojo());
        set(
                g,
                "generatedSourcesDirectory",
                project.resolve("target/generated-sources/bpf4j").toFile());
        set(g, "packageName", "com.example.bpf");
        set(g, "records", records);
        set(g, "project", mp);
        return g;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void set(Object o, String field, Object value) throws Exception {
        Field f = o.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(o, value);
    }

    private Path write(String rel, String text) throws Exception {
        Path p = project.resolve("src/main/bpf").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void oneSkeletonPerObjectInTheSourceRootAndStaleOnesRemoved() throws Exception {
        write("snoop.bpf.c", PROGRAM);
        Path other = write("tcp_rtt.bpf.c", PROGRAM);
        compile();
        MavenProject mp = new MavenProject();
        generate(mp, Map.of("snoop.events", "event", "events", "struct event")).execute();
        Path gen = project.resolve("target/generated-sources/bpf4j");
        Path snoop = gen.resolve("com/example/bpf/Snoop.java");
        Path tcp = gen.resolve("com/example/bpf/TcpRtt.java");
        assertTrue(
                Files.readString(snoop).contains("pollEvents"),
                () -> "the configured record type gives a typed reader: " + read(snoop));
        assertTrue(Files.isRegularFile(tcp));
        assertEquals(List.of(gen.toString()), mp.getCompileSourceRoots());

        Files.delete(other);
        compile();
        generate(new MavenProject(), Map.of()).execute();
        assertTrue(Files.isRegularFile(snoop));
        assertFalse(Files.exists(tcp), "the skeleton of a deleted source is removed");
    }

    @Test
    void aRecordKeyNamingNoMapFails() throws Exception {
        write("snoop.bpf.c", PROGRAM);
        compile();
        MojoFailureException e =
                assertThrows(MojoFailureException.class, () -> generate(new MavenProject(), Map.of("evnts", "event"))
                        .execute());
        assertTrue(e.getMessage().contains("'evnts'") && e.getMessage().contains("objects: snoop"), e.getMessage());
    }

    @Test
    void withoutCompileFirstItSaysSo() throws Exception {
        write("snoop.bpf.c", PROGRAM);
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> generate(new MavenProject(), Map.of())
                .execute());
        assertTrue(e.getMessage().contains("the compile goal must run before generate"), e.getMessage());
    }
}
