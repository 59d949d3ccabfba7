package io.bpf4j.cli;

import io.bpf4j.KernelObjects;
import io.bpf4j.btf.Btf;
import io.bpf4j.btf.CHeaderWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bpf4j btf list|dump}: the kernel's BTF objects, and the types of one as C, raw or JSON. */
final class BtfCommand {

    /** The subcommands by every name they answer to; {@link Main} registers only the one named. */
    static final java.util.Map<String, java.util.function.Supplier<CommandSpec>> SUBCOMMANDS = new Cmd.Names()
            .add("list", ListCmd::spec)
            .add("ls", ListCmd::spec)
            .add("show", ListCmd::spec)
            .add("dump", DumpCmd::spec)
            .build();

    /** The group itself: btf SUBCOMMAND. */
    static CommandSpec group() {
        return Decl.group("btf", "BTF type information.");
    }

    static final class ListCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            ListCmd c = new ListCmd();
            return Decl.command(c, "list", "Every BTF object the kernel holds.", "ls", "show")
                    .spec();
        }

        @Override
        public void run() {
            List<KernelObjects.BtfInfo> all = KernelObjects.btfs();
            List<Object> j = new ArrayList<>();
            for (KernelObjects.BtfInfo b : all) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", b.id());
                m.put("size", b.size());
                m.put("name", b.name());
                m.put("kernel", b.kernel());
                j.add(m);
            }
            emit(
                    j,
                    () -> String.join(
                            "",
                            all.stream()
                                    .map(b -> b.id() + ": name " + (b.name().isEmpty() ? "<anon>" : b.name())
                                            + "  size " + b.size() + "B" + (b.kernel() ? "  kernel" : "") + "\n")
                                    .toList()));
        }
    }

    static final class DumpCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            DumpCmd c = new DumpCmd();
            return Decl.command(
                            c,
                            "dump",
                            "The types of one BTF: dump (file PATH | id N | vmlinux | PATH) [format c|raw|json].")
                    .words("1..4", "SOURCE [format c|raw|json]", null, v -> c.words = v)
                    .spec();
        }

        List<String> words = new ArrayList<>();

        @Override
        public void run() {
            List<String> w = new ArrayList<>(words);
            String format = "raw";
            int f = w.indexOf("format");
            if (f >= 0) {
                if (f + 1 >= w.size()) {
                    throw fail("format needs c, raw or json");
                }
                format = w.get(f + 1);
                w.subList(f, f + 2).clear();
            }
            Btf btf = load(w);
            switch (format) {
                case "c" -> {
                    out().print(CHeaderWriter.write(btf));
                    out().flush();
                }
                case "raw", "json" -> {
                    List<Object> types = new ArrayList<>();
                    StringBuilder sb = new StringBuilder();
                    for (int id = 1; id < btf.typeCount(); id++) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", id);
                        m.put("kind", btf.type(id).getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT));
                        m.put("name", btf.type(id).name());
                        types.add(m);
                        sb.append('[')
                                .append(id)
                                .append("] ")
                                .append(btf.describe(id))
                                .append('\n');
                    }
                    if (format.equals("json") && !Main.json) {
                        Main.json = true;
                    }
                    Map<String, Object> top = new LinkedHashMap<>();
                    top.put("types", types);
                    emit(top, sb::toString);
                }
                default -> throw fail("format " + format + " is not c, raw or json");
            }
        }

        private static Btf load(List<String> w) {
            if (w.isEmpty()) {
                throw fail("name the BTF: file PATH, id N, vmlinux, or a path");
            }
            String kind = w.get(0);
            if (kind.equals("vmlinux") && w.size() == 1) {
                return Btf.parse(read(Path.of("/sys/kernel/btf/vmlinux")));
            }
            if (kind.equals("id") && w.size() == 2) {
                int id;
                try {
                    id = Integer.parseInt(w.get(1));
                } catch (NumberFormatException e) {
                    throw fail("BTF id " + w.get(1) + " is not a number");
                }
                return Btf.parse(KernelObjects.btfData(id));
            }
            Path p = Path.of(kind.equals("file") && w.size() == 2 ? w.get(1) : kind);
            byte[] b = read(p);
            if (b.length >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F') {
                return io.bpf4j.ObjectSpec.read(b, p.toString())
                        .btf()
                        .orElseThrow(() -> fail(p + " has no .BTF section (compile with -g)"));
            }
            return Btf.parse(b);
        }

        private static byte[] read(Path p) {
            try {
                return Files.readAllBytes(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
    }
}
