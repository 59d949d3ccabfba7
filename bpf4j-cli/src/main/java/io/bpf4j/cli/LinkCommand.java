package io.bpf4j.cli;

import io.bpf4j.KernelObjects;
import io.bpf4j.link.KernelLink;
import io.bpf4j.link.Link;
import io.bpf4j.link.LinkInfo;
import io.bpf4j.link.LinkType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bpf4j link list|show}: the kernel's links. */
final class LinkCommand {

    /** The subcommands by every name they answer to; {@link Main} registers only the one named. */
    static final java.util.Map<String, java.util.function.Supplier<CommandSpec>> SUBCOMMANDS = new Cmd.Names()
            .add("list", ListCmd::spec)
            .add("ls", ListCmd::spec)
            .add("show", ShowCmd::spec)
            .build();

    /** The group itself: link SUBCOMMAND. */
    static CommandSpec group() {
        return Decl.group("link", "Links (attachments).");
    }

    static Map<String, Object> json(LinkInfo l) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", l.id());
        j.put("type", l.kind() == LinkType.UNKNOWN ? Integer.toString(l.type()) : Cmd.lower(l.kind()));
        j.put("prog_id", l.programId());
        return j;
    }

    static String human(LinkInfo l) {
        return l.id() + ": " + (l.kind() == LinkType.UNKNOWN ? "type " + l.type() : Cmd.lower(l.kind())) + "  prog "
                + l.programId() + "\n";
    }

    static final class ListCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            ListCmd c = new ListCmd();
            return Decl.command(c, "list", "Every link.", "ls").spec();
        }

        @Override
        public void run() {
            List<LinkInfo> all = KernelObjects.links();
            List<Object> j = new ArrayList<>();
            all.forEach(l -> j.add(json(l)));
            emit(j, () -> String.join("", all.stream().map(LinkCommand::human).toList()));
        }
    }

    static final class ShowCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            ShowCmd c = new ShowCmd();
            return Decl.command(c, "show", "One link (id N or pinned PATH), or all.")
                    .words("0..2", "LINK", null, v -> c.ref = v)
                    .spec();
        }

        List<String> ref = new ArrayList<>();

        @Override
        public void run() {
            if (ref.isEmpty()) {
                new ListCmd().runWith(spec);
                return;
            }
            Refs.Ref r = Refs.parse(ref, "link");
            try (KernelLink l =
                    switch (r.kind()) {
                        case "id" -> Link.fromId(Integer.parseInt(r.value()));
                        case "pinned" -> Link.fromPin(Path.of(r.value()));
                        default -> throw fail("links have no names: give id N or pinned PATH");
                    }) {
                LinkInfo info = l.info();
                emit(json(info), () -> human(info));
            }
        }
    }
}
