package io.bpf4j.cli;

import io.bpf4j.KernelObjects;
import io.bpf4j.Program;
import io.bpf4j.ProgramInfo;
import io.bpf4j.asm.Disassembler;
import io.bpf4j.asm.Listing;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bpf4j prog list|show|dump xlated}: the kernel's loaded programs, as bpftool prog shows them. */
final class ProgCommand {

    /** The subcommands by every name they answer to; {@link Main} registers only the one named. */
    static final java.util.Map<String, java.util.function.Supplier<CommandSpec>> SUBCOMMANDS = new Cmd.Names()
            .add("list", ListCmd::spec)
            .add("ls", ListCmd::spec)
            .add("show", ShowCmd::spec)
            .add("dump", DumpCmd::spec)
            .add("pin", PinCmd::spec)
            .build();

    /** The group itself: prog SUBCOMMAND. */
    static CommandSpec group() {
        return Decl.group("prog", "Loaded programs.");
    }

    static Map<String, Object> json(ProgramInfo p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("type", p.type().map(Cmd::lower).orElse(Integer.toString(p.rawType())));
        if (!p.name().isEmpty()) {
            m.put("name", p.name());
        }
        m.put("tag", HexFormat.of().formatHex(p.tag()));
        m.put("gpl_compatible", p.gplCompatible());
        m.put("bytes_xlated", p.xlatedSize());
        m.put("jited", p.jitedSize() > 0);
        m.put("bytes_jited", p.jitedSize());
        if (!p.mapIds().isEmpty()) {
            m.put("map_ids", p.mapIds());
        }
        if (p.btfId() != 0) {
            m.put("btf_id", p.btfId());
        }
        if (p.runCount() != 0) {
            m.put("run_time_ns", p.runTime().toNanos());
            m.put("run_cnt", p.runCount());
        }
        m.put("verified_insns", p.verifiedInstructions());
        return m;
    }

    static String human(ProgramInfo p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.id()).append(": ").append(p.type().map(Cmd::lower).orElse("type " + p.rawType()));
        if (!p.name().isEmpty()) {
            sb.append("  name ").append(p.name());
        }
        sb.append("  tag ")
                .append(HexFormat.of().formatHex(p.tag()))
                .append(p.gplCompatible() ? "  gpl" : "")
                .append('\n');
        sb.append("\txlated ").append(p.xlatedSize()).append('B');
        sb.append(p.jitedSize() > 0 ? "  jited " + p.jitedSize() + "B" : "  not jited");
        if (!p.mapIds().isEmpty()) {
            sb.append("  map_ids ")
                    .append(String.join(
                            ",", p.mapIds().stream().map(String::valueOf).toList()));
        }
        if (p.btfId() != 0) {
            sb.append("\n\tbtf_id ").append(p.btfId());
        }
        return sb.append('\n').toString();
    }

    static final class ListCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            ListCmd c = new ListCmd();
            return Decl.command(c, "list", "Every loaded program.", "ls").spec();
        }

        @Override
        public void run() {
            List<ProgramInfo> all = KernelObjects.programs();
            List<Object> j = new ArrayList<>();
            all.forEach(p -> j.add(json(p)));
            emit(j, () -> String.join("", all.stream().map(ProgCommand::human).toList()));
        }
    }

    static final class ShowCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            ShowCmd c = new ShowCmd();
            return Decl.command(c, "show", "One program (id N, name NAME, pinned PATH), or all.")
                    .words("0..2", "PROG", "id N | name NAME | pinned PATH", v -> c.ref = v)
                    .spec();
        }

        List<String> ref = new ArrayList<>();

        @Override
        public void run() {
            if (ref.isEmpty()) {
                new ListCmd().runWith(spec);
                return;
            }
            try (Program p = Refs.program(Refs.parse(ref, "program"))) {
                ProgramInfo info = p.info();
                emit(json(info), () -> human(info));
            }
        }
    }

    static final class DumpCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            DumpCmd c = new DumpCmd();
            return Decl.command(c, "dump", "A program's translated instructions: dump xlated PROG.")
                    .word("0", "xlated", "xlated (the verified bytecode)", v -> c.what = v)
                    .wordsAt("1..*", "1..2", "PROG", "id N | name NAME | pinned PATH", v -> c.ref = v)
                    .flag("--llvm", "LLVM's syntax (as llvm-objdump) instead of bpftool's.", v -> c.llvm = v)
                    .spec();
        }

        String what;

        List<String> ref = new ArrayList<>();

        boolean llvm;

        @Override
        public void run() {
            if (!what.equals("xlated")) {
                throw fail("bpf4j dumps the xlated instructions (the JIT image is not shown), not " + what);
            }
            try (Program p = Refs.program(Refs.parse(ref, "program"))) {
                List<io.bpf4j.asm.Instruction> insns = p.xlatedInstructions();
                Listing l = Listing.of(insns);
                if (Main.json) {
                    List<Object> out = new ArrayList<>();
                    int slot = 0;
                    for (io.bpf4j.asm.Instruction in : insns) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("pc", slot);
                        m.put("insn", llvm ? Disassembler.format(in) : Disassembler.formatKernel(in));
                        out.add(m);
                        slot += in.slots();
                    }
                    emit(out, () -> "");
                } else {
                    // bpftool's syntax by default: the kernel rewrote map fds to map ids and helper
                    // calls to addresses, which LLVM's syntax has no words for.
                    out().print(Disassembler.disassemble(
                            l,
                            llvm
                                    ? EnumSet.of(Disassembler.Option.OFFSETS, Disassembler.Option.OBJDUMP)
                                    : EnumSet.of(Disassembler.Option.BPFTOOL)));
                    out().flush();
                }
            }
        }
    }

    static final class PinCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            PinCmd c = new PinCmd();
            return Decl.command(c, "pin", "Pins a program on a bpffs: pin PROGRAM PATH.")
                    .words("2..3", "PROGRAM PATH", null, v -> c.words = v)
                    .spec();
        }

        List<String> words = new ArrayList<>();

        @Override
        public void run() {
            Refs.Ref r = Refs.parse(words, "program");
            int used = r.words();
            if (words.size() != used + 1) {
                throw fail("pin needs: PROGRAM PATH");
            }
            try (Program x = Refs.program(r)) {
                x.pin(java.nio.file.Path.of(words.get(used)));
            }
            emit(Map.of(), () -> "");
        }
    }
}
