package io.bpf4j.cli;

import io.bpf4j.MapSpec;
import io.bpf4j.ObjectCode;
import io.bpf4j.ObjectSpec;
import io.bpf4j.ProgramSpec;
import io.bpf4j.VariableSpec;
import io.bpf4j.asm.Disassembler;
import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Listing;
import io.bpf4j.btf.TypeRef;
import io.bpf4j.codec.BtfCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bpf4j object show|dump FILE}: what a .bpf.o holds, read without loading anything. */
final class ObjectCommand {

    /** The subcommands by every name they answer to; {@link Main} registers only the one named. */
    static final java.util.Map<String, java.util.function.Supplier<CommandSpec>> SUBCOMMANDS = new Cmd.Names()
            .add("show", ShowCmd::spec)
            .add("dump", DumpCmd::spec)
            .build();

    /** The group itself: object SUBCOMMAND. */
    static CommandSpec group() {
        return Decl.group("object", "BPF object files (.bpf.o), read without loading.");
    }

    static final class ShowCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            ShowCmd c = new ShowCmd();
            return Decl.command(c, "show", "Programs, maps, globals with their values, externs, CO-RE relocations.")
                    .path("0", "FILE", null, v -> c.file = v)
                    .spec();
        }

        Path file;

        @Override
        public void run() {
            ObjectSpec spec = ObjectSpec.read(file);
            ObjectCode code = ObjectCode.read(file);
            Map<String, Object> top = new LinkedHashMap<>();
            StringBuilder h = new StringBuilder();
            top.put("name", spec.name());
            h.append("object ").append(spec.name()).append(" (").append(file).append(")\n");

            List<Object> progs = new ArrayList<>();
            h.append("programs:\n");
            for (ProgramSpec p : spec.programs().values()) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("name", p.name());
                j.put("section", p.sectionName());
                j.put("type", lower(p.type()));
                p.attachType().ifPresent(a -> j.put("attach_type", lower(a)));
                if (!p.attachTo().isEmpty()) {
                    j.put("attach_to", p.attachTo());
                }
                // The linked program (with the subprograms it calls), as it is loaded.
                int insns =
                        p.instructions().stream().mapToInt(Instruction::slots).sum();
                j.put("insns", insns);
                j.put("core_relocations", code.coreRelocations().getOrDefault(p.sectionName(), 0));
                progs.add(j);
                h.append("  ")
                        .append(p.name())
                        .append("  ")
                        .append(lower(p.type()))
                        .append("  SEC(\"")
                        .append(p.sectionName())
                        .append("\")  ")
                        .append(insns)
                        .append(" insns")
                        .append(p.attachType().map(a -> "  attach " + lower(a)).orElse(""))
                        .append('\n');
            }
            top.put("programs", progs);

            List<Object> maps = new ArrayList<>();
            h.append("maps:\n");
            for (MapSpec m : spec.maps().values()) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("name", m.name());
                j.put("type", lower(m.type()));
                j.put("bytes_key", m.keySize());
                j.put("bytes_value", m.valueSize());
                j.put("max_entries", m.maxEntries());
                if (m.flags() != 0) {
                    j.put("flags", m.flags());
                }
                String key = m.keyType().map(ShowCmd::typeName).orElse("");
                String value = m.valueType().map(ShowCmd::typeName).orElse("");
                if (!key.isEmpty()) {
                    j.put("key_type", key);
                }
                if (!value.isEmpty()) {
                    j.put("value_type", value);
                }
                maps.add(j);
                h.append("  ")
                        .append(m.name())
                        .append("  ")
                        .append(lower(m.type()))
                        .append("  key ")
                        .append(m.keySize())
                        .append('B')
                        .append(key.isEmpty() ? "" : " (" + key + ")")
                        .append("  value ")
                        .append(m.valueSize())
                        .append('B')
                        .append(value.isEmpty() ? "" : " (" + value + ")")
                        .append("  max_entries ")
                        .append(m.maxEntries())
                        .append('\n');
            }
            top.put("maps", maps);

            List<Object> globals = new ArrayList<>();
            if (!spec.variables().isEmpty()) {
                h.append("globals:\n");
            }
            for (VariableSpec g : spec.variables().values()) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("section", g.section());
                j.put("name", g.name());
                j.put("offset", g.offset());
                String type = typeName(g.type());
                j.put("type", type);
                // .bss holds no bytes in the file: its variables start as zeros (shown up to 1 MiB).
                byte[] initial =
                        g.value().length == 0 && g.size() > 0 && g.size() <= 1 << 20 ? new byte[g.size()] : g.value();
                String value;
                try {
                    value = BtfCodec.of(g.type().btf(), g.type().id()).toJson(initial);
                } catch (RuntimeException e) {
                    value = null; // a type without a value layout: shown as bytes
                }
                j.put("value", value == null ? Json.hexBytes(initial) : new Json.Raw(value));
                globals.add(j);
                h.append("  ")
                        .append(g.section())
                        .append("  ")
                        .append(type)
                        .append(' ')
                        .append(g.name())
                        .append(" = ")
                        .append(value == null ? Json.of(Json.hexBytes(initial)) : value)
                        .append('\n');
            }
            top.put("globals", globals);

            List<Object> externs = new ArrayList<>();
            if (!spec.externs().isEmpty()) {
                h.append("externs:\n");
            }
            for (io.bpf4j.ExternSpec e : spec.externs()) {
                String kind = e instanceof io.bpf4j.KconfigExtern ? "kconfig" : "ksym";
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("name", e.name());
                j.put("kind", kind);
                j.put("weak", e.weak());
                externs.add(j);
                h.append("  ")
                        .append(kind)
                        .append(' ')
                        .append(e.name())
                        .append(e.weak() ? " (weak)" : "")
                        .append('\n');
            }
            top.put("externs", externs);
            int core = code.coreRelocations().values().stream()
                    .mapToInt(Integer::intValue)
                    .sum();
            top.put("core_relocations", code.coreRelocations());
            h.append("CO-RE relocations: ").append(core).append('\n');
            emit(top, h::toString);
        }

        private static String typeName(TypeRef t) {
            try {
                return t.btf().cName(t.id());
            } catch (RuntimeException e) {
                return "type " + t.id();
            }
        }
    }

    static final class DumpCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            DumpCmd c = new DumpCmd();
            return Decl.command(
                            c, "dump", "The disassembly of the object's programs (with source lines when it has BTF).")
                    .path("0", "FILE", null, v -> c.file = v)
                    .option("--prog", "PROG", "Only this program (and the functions it calls).", false, v -> c.prog = v)
                    .flag(
                            "--objdump",
                            "Exactly llvm-objdump's text: numbers instead of names, slot numbers.",
                            v -> c.objdump = v)
                    .spec();
        }

        Path file;

        String prog;

        boolean objdump;

        @Override
        public void run() {
            ObjectCode code = ObjectCode.read(file);
            List<String> names = new ArrayList<>();
            if (prog != null) {
                if (!code.functions().containsKey(prog)) {
                    throw fail(file + " has no program or function " + prog + " (it has "
                            + String.join(", ", code.functions().keySet()) + ")");
                }
                names.add(prog);
                names.addAll(code.callees(prog));
            } else {
                names.addAll(code.functions().keySet());
            }
            EnumSet<Disassembler.Option> opts = objdump
                    ? EnumSet.of(Disassembler.Option.OFFSETS, Disassembler.Option.OBJDUMP)
                    : EnumSet.of(Disassembler.Option.SOURCE);
            List<Object> j = new ArrayList<>();
            StringBuilder h = new StringBuilder();
            for (String n : names) {
                Listing l = code.function(n).orElseThrow();
                String text = Disassembler.disassemble(l, opts);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", n);
                m.put("section", code.functions().get(n).section());
                m.put(
                        "insns",
                        text.lines()
                                .filter(s -> s.startsWith("\t") || s.matches("\\s*[0-9]+:.*"))
                                .toList());
                j.add(m);
                h.append(h.isEmpty() ? "" : "\n")
                        .append("; section ")
                        .append(code.functions().get(n).section())
                        .append('\n')
                        .append(text);
            }
            emit(j, h::toString);
        }
    }
}
