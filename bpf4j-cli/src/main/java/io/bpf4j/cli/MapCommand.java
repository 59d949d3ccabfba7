package io.bpf4j.cli;

import io.bpf4j.BpfMap;
import io.bpf4j.KernelObjects;
import io.bpf4j.MapInfo;
import io.bpf4j.UpdateFlag;
import io.bpf4j.btf.Btf;
import io.bpf4j.codec.BtfCodec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bpf4j map list|show|dump|lookup|update|delete}: the kernel's maps, as bpftool map shows
 * them; keys and values decoded through the map's BTF where it has one, hex bytes otherwise.
 */
final class MapCommand {

    /** The subcommands by every name they answer to; {@link Main} registers only the one named. */
    static final java.util.Map<String, java.util.function.Supplier<CommandSpec>> SUBCOMMANDS = new Cmd.Names()
            .add("list", ListCmd::spec)
            .add("ls", ListCmd::spec)
            .add("show", ShowCmd::spec)
            .add("dump", DumpCmd::spec)
            .add("pin", PinCmd::spec)
            .add("lookup", LookupCmd::spec)
            .add("update", UpdateCmd::spec)
            .add("delete", DeleteCmd::spec)
            .build();

    /** The group itself: map SUBCOMMAND. */
    static CommandSpec group() {
        return Decl.group("map", "Maps.");
    }

    static Map<String, Object> json(MapInfo m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", m.id());
        j.put("type", m.type().map(Cmd::lower).orElse(Integer.toString(m.rawType())));
        j.put("name", m.name());
        j.put("flags", m.flags());
        j.put("bytes_key", m.keySize());
        j.put("bytes_value", m.valueSize());
        j.put("max_entries", m.maxEntries());
        if (m.btfId() != 0) {
            j.put("btf_id", m.btfId());
        }
        return j;
    }

    static String human(MapInfo m) {
        return m.id() + ": " + m.type().map(Cmd::lower).orElse("type " + m.rawType()) + "  name " + m.name()
                + "  flags 0x" + Integer.toHexString(m.flags()) + "\n\tkey " + m.keySize() + "B  value " + m.valueSize()
                + "B  max_entries " + m.maxEntries() + (m.btfId() != 0 ? "\n\tbtf_id " + m.btfId() : "") + "\n";
    }

    /** The key and value codecs from the map's BTF, when it has types for both. */
    record Codecs(BtfCodec key, BtfCodec value) {
        static Optional<Codecs> of(MapInfo info) {
            if (info.btfId() == 0 || info.btfKeyTypeId() == 0 || info.btfValueTypeId() == 0) {
                return Optional.empty();
            }
            Btf btf = Btf.parse(KernelObjects.btfData(info.btfId()));
            return Optional.of(
                    new Codecs(BtfCodec.of(btf, info.btfKeyTypeId()), BtfCodec.of(btf, info.btfValueTypeId())));
        }
    }

    /** One entry as bpftool -j prints it: hex key and value(s), and "formatted" through BTF. */
    static Map<String, Object> entry(MapInfo info, byte[] key, byte[] value, Optional<Codecs> codecs) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("key", Json.hexBytes(key));
        boolean perCpu = info.type().map(t -> t.isPerCpu()).orElse(false);
        if (perCpu) {
            int stride = (info.valueSize() + 7) & ~7;
            List<Object> values = new ArrayList<>();
            List<Object> formatted = new ArrayList<>();
            for (int cpu = 0; cpu * stride < value.length; cpu++) {
                byte[] v = java.util.Arrays.copyOfRange(value, cpu * stride, cpu * stride + info.valueSize());
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("cpu", cpu);
                c.put("value", Json.hexBytes(v));
                values.add(c);
                codecs.ifPresent(cs -> {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("cpu", formatted.size());
                    f.put("value", new Json.Raw(cs.value().toJson(v)));
                    formatted.add(f);
                });
            }
            e.put("values", values);
            codecs.ifPresent(cs -> {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("key", new Json.Raw(cs.key().toJson(key)));
                f.put("values", formatted);
                e.put("formatted", f);
            });
        } else {
            e.put("value", Json.hexBytes(value));
            codecs.ifPresent(cs -> {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("key", new Json.Raw(cs.key().toJson(key)));
                f.put("value", new Json.Raw(cs.value().toJson(value)));
                e.put("formatted", f);
            });
        }
        return e;
    }

    static String humanEntry(Map<String, Object> e) {
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) e.get("formatted");
        if (f != null) {
            return "key: " + Json.of(f.get("key")) + "  "
                    + (f.containsKey("values")
                            ? "values: " + Json.of(f.get("values"))
                            : "value: " + Json.of(f.get("value")))
                    + "\n";
        }
        return "key: " + hex(e.get("key")) + "  "
                + (e.containsKey("values") ? "values: " + Json.of(e.get("values")) : "value: " + hex(e.get("value")))
                + "\n";
    }

    private static String hex(Object list) {
        return String.join(
                " ",
                ((List<?>) list).stream().map(o -> o.toString().substring(2)).toList());
    }

    /**
     * Bytes of a key or value from the command line: {@code hex 0a0b...}, {@code json TEXT} (through
     * the map's BTF type), or bytes as numbers ({@code 1 0 0 0}, {@code 0x01 0x00 ...}).
     */
    static byte[] bytes(List<String> words, int size, Optional<BtfCodec> codec, String what) {
        if (words.isEmpty()) {
            throw Cmd.fail("give the " + what + ": bytes (1 0 0 0), hex 01000000 or json VALUE");
        }
        byte[] b;
        if (words.get(0).equals("hex")) {
            try {
                b = HexFormat.of()
                        .parseHex(
                                String.join("", words.subList(1, words.size())).replace("0x", ""));
            } catch (IllegalArgumentException e) {
                throw Cmd.fail("the " + what + " is not hex: " + String.join(" ", words.subList(1, words.size())));
            }
        } else if (words.get(0).equals("json")) {
            BtfCodec c = codec.orElseThrow(
                    () -> Cmd.fail("the map has no BTF type for its " + what + ": give bytes or hex"));
            b = c.toBytes(c.fromJson(String.join(" ", words.subList(1, words.size()))));
        } else {
            b = new byte[words.size()];
            for (int i = 0; i < b.length; i++) {
                String w = words.get(i);
                int v;
                try {
                    v = w.startsWith("0x") ? Integer.parseInt(w.substring(2), 16) : Integer.parseInt(w);
                } catch (NumberFormatException e) {
                    throw Cmd.fail("byte " + (i + 1) + " of the " + what + " (" + w + ") is not a number");
                }
                if (v < 0 || v > 255) {
                    throw Cmd.fail("byte " + (i + 1) + " of the " + what + " (" + w + ") does not fit a byte");
                }
                b[i] = (byte) v;
            }
        }
        if (b.length != size) {
            throw Cmd.fail("the " + what + " is " + size + " bytes, got " + b.length);
        }
        return b;
    }

    static final class ListCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            ListCmd c = new ListCmd();
            return Decl.command(c, "list", "Every map.", "ls").spec();
        }

        @Override
        public void run() {
            List<MapInfo> all = KernelObjects.maps();
            List<Object> j = new ArrayList<>();
            all.forEach(m -> j.add(json(m)));
            emit(j, () -> String.join("", all.stream().map(MapCommand::human).toList()));
        }
    }

    static final class ShowCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            ShowCmd c = new ShowCmd();
            return Decl.command(c, "show", "One map (id N, name NAME, pinned PATH), or all.")
                    .words("0..2", "MAP", null, v -> c.ref = v)
                    .spec();
        }

        List<String> ref = new ArrayList<>();

        @Override
        public void run() {
            if (ref.isEmpty()) {
                new ListCmd().runWith(spec);
                return;
            }
            try (BpfMap m = Refs.map(Refs.parse(ref, "map"))) {
                MapInfo info = m.info();
                emit(json(info), () -> human(info));
            }
        }
    }

    static final class DumpCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            DumpCmd c = new DumpCmd();
            return Decl.command(c, "dump", "Every entry of a map.")
                    .words("1..2", "MAP", null, v -> c.ref = v)
                    .spec();
        }

        List<String> ref = new ArrayList<>();

        @Override
        public void run() {
            try (BpfMap m = Refs.map(Refs.parse(ref, "map"))) {
                MapInfo info = m.info();
                Optional<Codecs> codecs = Codecs.of(info);
                List<Map<String, Object>> out = new ArrayList<>();
                for (Map.Entry<byte[], byte[]> e : m.entries()) {
                    out.add(entry(info, e.getKey(), e.getValue(), codecs));
                }
                emit(
                        out,
                        () -> String.join(
                                        "",
                                        out.stream().map(MapCommand::humanEntry).toList()) + "Found " + out.size()
                                + " element" + (out.size() == 1 ? "" : "s") + "\n");
            }
        }
    }

    static final class LookupCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            LookupCmd c = new LookupCmd();
            return Decl.command(c, "lookup", "One entry: lookup MAP key KEY.")
                    .words("1..*", "MAP key KEY", null, v -> c.words = v)
                    .spec();
        }

        List<String> words = new ArrayList<>();

        @Override
        public void run() {
            Refs.Ref r = Refs.parse(words, "map");
            List<String> rest = r.rest(words);
            if (rest.isEmpty() || !rest.get(0).equals("key")) {
                throw fail("lookup needs: MAP key KEY");
            }
            try (BpfMap m = Refs.map(r)) {
                MapInfo info = m.info();
                Optional<Codecs> codecs = Codecs.of(info);
                byte[] key = bytes(rest.subList(1, rest.size()), info.keySize(), codecs.map(Codecs::key), "key");
                byte[] value = m.lookup(key).orElseThrow(() -> fail("no entry with that key in map " + r));
                Map<String, Object> e = entry(info, key, value, codecs);
                emit(e, () -> humanEntry(e));
            }
        }
    }

    static final class UpdateCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            UpdateCmd c = new UpdateCmd();
            return Decl.command(c, "update", "Sets one entry: update MAP key KEY value VALUE [any|noexist|exist].")
                    .words("1..*", "MAP key KEY value VALUE [any|noexist|exist]", null, v -> c.words = v)
                    .spec();
        }

        List<String> words = new ArrayList<>();

        @Override
        public void run() {
            Refs.Ref r = Refs.parse(words, "map");
            List<String> rest = new ArrayList<>(r.rest(words));
            UpdateFlag flag = UpdateFlag.ANY;
            String last = rest.isEmpty() ? "" : rest.get(rest.size() - 1);
            if (List.of("any", "noexist", "exist").contains(last)) {
                flag = switch (last) {
                    case "noexist" -> UpdateFlag.NOEXIST;
                    case "exist" -> UpdateFlag.EXIST;
                    default -> UpdateFlag.ANY;
                };
                rest.remove(rest.size() - 1);
            }
            int v = rest.indexOf("value");
            if (rest.isEmpty() || !rest.get(0).equals("key") || v < 0) {
                throw fail("update needs: MAP key KEY value VALUE");
            }
            try (BpfMap m = Refs.map(r)) {
                MapInfo info = m.info();
                Optional<Codecs> codecs = Codecs.of(info);
                byte[] key = bytes(rest.subList(1, v), info.keySize(), codecs.map(Codecs::key), "key");
                byte[] value =
                        bytes(rest.subList(v + 1, rest.size()), info.valueSize(), codecs.map(Codecs::value), "value");
                m.update(key, value, flag);
                emit(Map.of(), () -> "");
            }
        }
    }

    static final class DeleteCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            DeleteCmd c = new DeleteCmd();
            return Decl.command(c, "delete", "Removes one entry: delete MAP key KEY.")
                    .words("1..*", "MAP key KEY", null, v -> c.words = v)
                    .spec();
        }

        List<String> words = new ArrayList<>();

        @Override
        public void run() {
            Refs.Ref r = Refs.parse(words, "map");
            List<String> rest = r.rest(words);
            if (rest.isEmpty() || !rest.get(0).equals("key")) {
                throw fail("delete needs: MAP key KEY");
            }
            try (BpfMap m = Refs.map(r)) {
                MapInfo info = m.info();
                byte[] key = bytes(
                        rest.subList(1, rest.size()),
                        info.keySize(),
                        Codecs.of(info).map(Codecs::key),
                        "key");
                if (!m.delete(key)) {
                    throw fail("no entry with that key in map " + r);
                }
                emit(Map.of(), () -> "");
            }
        }
    }

    static final class PinCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            PinCmd c = new PinCmd();
            return Decl.command(c, "pin", "Pins a map on a bpffs: pin MAP PATH.")
                    .words("2..3", "MAP PATH", null, v -> c.words = v)
                    .spec();
        }

        List<String> words = new ArrayList<>();

        @Override
        public void run() {
            Refs.Ref r = Refs.parse(words, "map");
            int used = r.words();
            if (words.size() != used + 1) {
                throw fail("pin needs: MAP PATH");
            }
            try (BpfMap x = Refs.map(r)) {
                x.pin(java.nio.file.Path.of(words.get(used)));
            }
            emit(Map.of(), () -> "");
        }
    }
}
