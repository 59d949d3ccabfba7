package io.bpf4j.cli;

import io.bpf4j.BpfMap;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.UpdateFlag;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run of the command's AOT cache (package.sh): runs the short commands people time
 * ({@code prog list}, {@code map dump}, {@code object show}, ...) once each in one JVM, so that the
 * cache holds the classes every one of them loads and links, not only the first's. Output goes
 * nowhere; a command that fails (no root, no object) is skipped: the cache is then smaller, never
 * wrong.
 *
 * <p>{@code java io.bpf4j.cli.AotTraining [OBJECT.bpf.o]}
 */
final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(nowhere);
        System.setErr(nowhere);
        List<List<String>> lines = new ArrayList<>(List.of(
                List.of("--version"),
                List.of("prog", "list"),
                List.of("-j", "prog", "list"),
                List.of("map", "list"),
                List.of("link", "list"),
                List.of("btf", "list")));
        if (args.length == 1 && Files.isReadable(Path.of(args[0]))) {
            lines.add(List.of("object", "show", args[0]));
            lines.add(List.of("-j", "object", "show", args[0]));
            lines.add(List.of("object", "dump", args[0]));
        }
        int ran = 0;
        try (BpfMap map = BpfMap.create(MapSpec.builder(MapType.HASH)
                .name("bpf4j_aot")
                .keySize(4)
                .valueSize(8)
                .maxEntries(4)
                .build())) {
            map.update(new byte[4], new byte[8], UpdateFlag.ANY);
            String id = Integer.toString(map.info().id());
            lines.add(List.of("map", "dump", "id", id));
            lines.add(List.of("-j", "map", "dump", "id", id));
            ran += run(lines);
        } catch (RuntimeException e) { // not root: train what runs without it
            ran += run(lines);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        System.out.println("AotTraining: " + ran + " command lines ran");
    }

    private static int run(List<List<String>> lines) {
        int ok = 0;
        for (List<String> line : lines) {
            if (Main.run(line.toArray(String[]::new)) == 0) {
                ok++;
            }
        }
        return ok;
    }
}
