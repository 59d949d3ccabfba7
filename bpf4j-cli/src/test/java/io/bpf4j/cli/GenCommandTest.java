package io.bpf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpf4j gen}: the generator from the command line, and its errors. */
class GenCommandTest {
    @TempDir
    Path out;

    @Test
    void writesTheSkeletonWithTheRecordTypeGiven() throws Exception {
        Path object = CliTest.object("cli_exec");
        CliTest.Result r = CliTest.bpf4j(
                "gen",
                object.toString(),
                "--package",
                "com.example.gen",
                "--class",
                "CliExec",
                "--record",
                "cli_events=cli_exec",
                "-o",
                out.toString());
        assertEquals(0, r.code(), r.err());
        Path file = out.resolve("com/example/gen/CliExec.java");
        assertEquals(file.toString(), r.out().strip());
        String source = Files.readString(file);
        // struct cli_exec meets the class name CliExec: the record takes a suffix.
        assertTrue(source.contains("public record CliExecStruct(long pid, long seq, String comm)"), source);
        assertTrue(source.contains("public static final String RESOURCE = \"bpf/cli_exec.bpf.o\";"), source);
        assertTrue(
                source.contains("public int pollCliEvents(Duration timeout, Consumer<? super CliExecStruct> sink)"),
                source);
    }

    @Test
    void unknownRecordStructFailsWithOneLine() {
        Path object = CliTest.object("cli_exec");
        CliTest.Result r = CliTest.bpf4j(
                "gen", object.toString(), "--package", "p", "--record", "cli_events=nosuch", "-o", out.toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err()
                        .startsWith("bpf4j: " + object + ": map \"cli_events\": record type \"nosuch\" is not in the"
                                + " object's BTF"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void malformedRecordOptionFails() {
        CliTest.Result r = CliTest.bpf4j(
                "gen",
                CliTest.object("cli_exec").toString(),
                "--package",
                "p",
                "--record",
                "cli_events",
                "-o",
                out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--record cli_events: give MAP=STRUCT"), r.err());
    }
}
