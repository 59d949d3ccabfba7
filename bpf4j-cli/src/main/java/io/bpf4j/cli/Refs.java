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

    /** A reference: its kind ({@code id}, {@code name}, {@code pinned}), its value, and how many words it took. */
    record Ref(String kind, String value, int words) {
        /** The command line's words after this reference. */
        List<String> rest(List<String> all) {
            return all.subList(words, all.size());
        }

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
            return new Ref("id", w, 1);
        }
        if ((w.equals("id") || w.equals("name") || w.equals("pinned")) && words.size() > 1) {
            if (w.equals("id") && !words.get(1).matches("[0-9]+")) {
                throw Cmd.fail(what + " id " + words.get(1) + " is not a number");
            }
            return new Ref(w, words.get(1), 2);
        }
        throw Cmd.fail("name the " + what + " as id N, name NAME or pinned PATH, not " + String.join(" ", words));
    }

    /** The one program named by {@code r}. */
    static Program program(Ref r) {
        return switch (r.kind()) {
            case "id" -> Program.fromId(Integer.parseInt(r.value()));
            case "pinned" -> Program.fromPin(Path.of(r.value()));
            default ->
                Program.fromId(byName(
                        "program",
                        r.value(),
                        KernelObjects.programs().stream()
                                .filter(p -> p.name().equals(r.value()))
                                .map(ProgramInfo::id)
                                .toList()));
        };
    }

    /** The one map named by {@code r}. */
    static BpfMap map(Ref r) {
        return switch (r.kind()) {
            case "id" -> BpfMap.fromId(Integer.parseInt(r.value()));
            case "pinned" -> BpfMap.fromPin(Path.of(r.value()));
            default ->
                BpfMap.fromId(byName(
                        "map",
                        r.value(),
                        KernelObjects.maps().stream()
                                .filter(m -> m.name().equals(r.value()))
                                .map(MapInfo::id)
                                .toList()));
        };
    }

    /** The one id of the objects named {@code name}; none or several is the user's error. */
    private static int byName(String what, String name, List<Integer> ids) {
        if (ids.size() != 1) {
            throw Cmd.fail(
                    ids.isEmpty()
                            ? "no " + what + " named " + name
                            : ids.size() + " " + what + "s are named " + name + ": name one by id ("
                                    + String.join(
                                            ", ",
                                            ids.stream().map(String::valueOf).toList()) + ")");
        }
        return ids.get(0);
    }
}
