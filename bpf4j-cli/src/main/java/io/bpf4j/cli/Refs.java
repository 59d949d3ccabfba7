package io.bpf4j.cli;

import io.bpf4j.BpfMap;
import io.bpf4j.KernelObjects;
import io.bpf4j.MapInfo;
import io.bpf4j.Program;
import io.bpf4j.ProgramInfo;
import java.nio.file.Path;
import java.util.List;

/**
 * bpftool's ways to name a kernel object on the command line: {@code id N}, {@code name NAME},
 * {@code pinned PATH}, or a bare id. Returns how many words it used.
 */
final class Refs {
    private Refs() {}

    record Ref(String kind, String value) {
        @Override
        public String toString() {
            return kind + " " + value;
        }
    }

    /** The reference at the start of {@code words}. */
    static Ref parse(List<String> words, String what) {
        if (words.isEmpty()) {
            throw Cmd.fail("name the " + what + ": id N, name NAME or pinned PATH");
        }
        String w = words.get(0);
        if (w.matches("[0-9]+")) {
            return new Ref("id", w);
        }
        if ((w.equals("id") || w.equals("name") || w.equals("pinned")) && words.size() > 1) {
            if (w.equals("id") && !words.get(1).matches("[0-9]+")) {
                throw Cmd.fail(what + " id " + words.get(1) + " is not a number");
            }
            return new Ref(w, words.get(1));
        }
        throw Cmd.fail("name the " + what + " as id N, name NAME or pinned PATH, not " + String.join(" ", words));
    }

    static int words(Ref r) {
        return r.kind().equals("id") && !r.toString().startsWith("id") ? 1 : 2;
    }

    /** The one program named by {@code r}. */
    static Program program(Ref r) {
        return switch (r.kind()) {
            case "id" -> Program.fromId(Integer.parseInt(r.value()));
            case "pinned" -> Program.fromPin(Path.of(r.value()));
            default -> {
                List<ProgramInfo> found = KernelObjects.programs().stream()
                        .filter(p -> p.name().equals(r.value()))
                        .toList();
                if (found.size() != 1) {
                    throw Cmd.fail(
                            found.isEmpty()
                                    ? "no program named " + r.value()
                                    : found.size() + " programs are named " + r.value() + ": name one by id ("
                                            + found.stream()
                                                    .map(p -> Integer.toString(p.id()))
                                                    .reduce((a, b) -> a + ", " + b)
                                                    .orElse("")
                                            + ")");
                }
                yield Program.fromId(found.get(0).id());
            }
        };
    }

    /** The one map named by {@code r}. */
    static BpfMap map(Ref r) {
        return switch (r.kind()) {
            case "id" -> BpfMap.fromId(Integer.parseInt(r.value()));
            case "pinned" -> BpfMap.fromPin(Path.of(r.value()));
            default -> {
                List<MapInfo> found = KernelObjects.maps().stream()
                        .filter(m -> m.name().equals(r.value()))
                        .toList();
                if (found.size() != 1) {
                    throw Cmd.fail(
                            found.isEmpty()
                                    ? "no map named " + r.value()
                                    : found.size() + " maps are named " + r.value() + ": name one by id ("
                                            + found.stream()
                                                    .map(m -> Integer.toString(m.id()))
                                                    .reduce((a, b) -> a + ", " + b)
                                                    .orElse("")
                                            + ")");
                }
                yield BpfMap.fromId(found.get(0).id());
            }
        };
    }
}
