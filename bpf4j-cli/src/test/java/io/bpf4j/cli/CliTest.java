package io.bpf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfMap;
import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.UpdateFlag;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The bpf4j command against bpftool on the same kernel, and its errors. */
class CliTest {

    record Result(int code, String out, String err) {}

    static Result bpf4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Main.json = false;
        Main.pretty = false;
        Main.verbose = false;
        var cl = Main.commandLine(args); // as the command runs: only the subcommands named
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static String bpftool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("bpftool");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "bpftool " + cmd + ": " + out);
        return out.strip();
    }

    static void assumeRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "kernel tests need root");
    }

    static Path object(String name) {
        return Path.of(System.getProperty("bpf4j.test.bpf.dir"), name + ".bpf.o");
    }

    private static final Pattern PROG =
            Pattern.compile("\\{\"id\":(\\d+),\"type\":\"([^\"]*)\"(?:,\"name\":\"([^\"]*)\")?");

    /** id → "type name" of each program in a prog list -j output. */
    static Map<Integer, String[]> programs(String json) {
        Map<Integer, String[]> out = new LinkedHashMap<>();
        Matcher m = PROG.matcher(json);
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), new String[] {m.group(2), m.group(3) == null ? "" : m.group(3)});
        }
        return out;
    }

    @Test
    void progListMatchesBpftool() throws Exception {
        assumeRoot();
        try (BpfObject obj = ObjectSpec.read(object("cli_hash")).load()) {
            int mine = obj.program("cli_touch").info().id();
            Result r = bpf4j("prog", "list", "-j");
            assertEquals(0, r.code(), r.err());
            Map<Integer, String[]> ours = programs(r.out());
            Map<Integer, String[]> theirs = programs(bpftool("-j", "prog", "list"));
            assertTrue(
                    ours.containsKey(mine) && theirs.containsKey(mine), "our program " + mine + " is listed by both");
            // Other tests load and unload programs meanwhile: compare the ids both saw.
            int compared = 0;
            for (Map.Entry<Integer, String[]> e : ours.entrySet()) {
                String[] t = theirs.get(e.getKey());
                if (t == null) {
                    continue;
                }
                compared++;
                if (!t[0].matches("\\d+")) { // bpftool names the types it knows
                    assertEquals(t[0], e.getValue()[0], "type of program " + e.getKey());
                }
                // bpftool completes names the kernel cut at 15 characters from BTF.
                String name = e.getValue()[1];
                assertTrue(
                        name.length() == 15 ? t[1].startsWith(name) : t[1].equals(name),
                        "name of program " + e.getKey() + ": " + name + " vs " + t[1]);
            }
            assertTrue(compared >= 1);
            Result show = bpf4j("prog", "show", "id", Integer.toString(mine));
            assertTrue(show.out().startsWith(mine + ": xdp  name cli_touch"), show.out());
            // bpftool's syntax, instruction for instruction (helper calls aside: bpftool names the
            // kernel function the call was rewritten to, from kallsyms)
            Result xlated = bpf4j("prog", "dump", "xlated", "id", Integer.toString(mine));
            assertEquals(0, xlated.code(), xlated.err());
            List<String> ours2 = xlated.out()
                    .lines()
                    .filter(l -> l.matches("\\s*\\d+: \\(.*") && !l.contains(" call "))
                    .toList();
            List<String> theirs2 = bpftool("prog", "dump", "xlated", "id", Integer.toString(mine))
                    .lines()
                    .filter(l -> l.matches("\\s*\\d+: \\(.*") && !l.contains(" call "))
                    .toList();
            assertEquals(theirs2, ours2);
            assertTrue(ours2.size() > 5, xlated.out());
        }
    }

    @Test
    void mapDumpOfABtfHashOfStructsMatchesBpftool() throws Exception {
        assumeRoot();
        try (BpfObject obj = ObjectSpec.read(object("cli_hash")).load()) {
            BpfMap m = obj.map("cli_stats");
            String id = Integer.toString(m.info().id());
            // two entries written through the command (JSON through BTF, and bytes), one directly
            Result u1 = bpf4j(
                    "map",
                    "update",
                    "id",
                    id,
                    "key",
                    "json",
                    "{\"pid\":7,\"comm\":\"bash\"}",
                    "value",
                    "json",
                    "{\"count\":18446744073709551615,\"delta\":-5,\"state\":\"CLI_BUSY\",\"flags\":[1,2,3],\"range\":{\"lo\":1,\"hi\":65535}}");
            assertEquals(0, u1.code(), u1.err());
            Result u2 = bpf4j(
                    "map",
                    "update",
                    "id",
                    id,
                    "key",
                    "hex",
                    "090000006a617661000000ff",
                    "value",
                    "hex",
                    "0100000000000000",
                    "feffffff",
                    "07000000",
                    "000102",
                    "00",
                    "02000300",
                    "noexist");
            assertEquals(0, u2.code(), u2.err());
            m.update(new byte[12], new byte[24], UpdateFlag.NOEXIST);

            Result dump = bpf4j("map", "dump", "id", id, "-j");
            assertEquals(0, dump.code(), dump.err());
            assertEquals(bpftool("-j", "map", "dump", "id", id), dump.out().strip());
            assertTrue(dump.out().contains("\"formatted\":{\"key\":{\"pid\":7,\"comm\":\"bash\"}"), dump.out());

            Result look = bpf4j("-j", "map", "lookup", "id", id, "key", "json", "{\"pid\":7,\"comm\":\"bash\"}");
            assertEquals(
                    bpftool(
                            "-j", "map", "lookup", "id", id, "key", "7", "0", "0", "0", "98", "97", "115", "104", "0",
                            "0", "0", "0"),
                    look.out().strip());
            Path pin =
                    Path.of("/sys/fs/bpf/bpf4j_cli_" + ProcessHandle.current().pid());
            if (Files.isDirectory(Path.of("/sys/fs/bpf"))
                    && Files.getFileStore(Path.of("/sys/fs/bpf")).type().equals("bpf")) {
                try {
                    assertEquals(
                            0, bpf4j("map", "pin", "id", id, pin.toString()).code());
                    Result shown = bpf4j("-j", "map", "show", "pinned", pin.toString());
                    assertTrue(
                            shown.out().startsWith("{\"id\":" + id + ",\"type\":\"hash\",\"name\":\"cli_stats\""),
                            shown.out());
                } finally {
                    Files.deleteIfExists(pin);
                }
            }
            Result del = bpf4j("map", "delete", "id", id, "key", "json", "{\"pid\":7,\"comm\":\"bash\"}");
            assertEquals(0, del.code(), del.err());
            Result gone = bpf4j("map", "lookup", "id", id, "key", "json", "{\"pid\":7,\"comm\":\"bash\"}");
            assertEquals(1, gone.code());
            assertEquals("bpf4j: no entry with that key in map id " + id + "\n", gone.err());
        }
    }

    @Test
    void errorsAreOneLineAndAnExitCode() {
        Result noFile = bpf4j("object", "show", "/nonexistent.bpf.o");
        assertEquals(1, noFile.code());
        assertTrue(noFile.err().startsWith("bpf4j: cannot read BPF object /nonexistent.bpf.o"), noFile.err());
        assertEquals(1, noFile.err().lines().count(), noFile.err());
        Result verbose = bpf4j("object", "show", "/nonexistent.bpf.o", "--verbose");
        assertTrue(verbose.err().lines().count() > 3 && verbose.err().contains("\tat "), verbose.err());
        Result usage = bpf4j("prog", "frobnicate");
        assertEquals(2, usage.code());
        Result size = bpf4j("map", "lookup", "id", "1", "key", "1", "2", "300");
        assertEquals(1, size.code());
    }

    @Test
    void missingIdSaysSo() {
        assumeRoot();
        Result r = bpf4j("map", "show", "id", "2147483647");
        assertEquals(1, r.code());
        assertTrue(
                r.err().startsWith("bpf4j: cannot open map id 2147483647")
                        && r.err().contains("ENOENT"),
                r.err());
    }

    @Test
    void objectShowAndDump() {
        Result show = bpf4j("-j", "object", "show", object("cli_hash").toString());
        assertEquals(0, show.code(), show.err());
        assertTrue(
                show.out()
                        .contains(
                                "{\"name\":\"cli_stats\",\"type\":\"hash\",\"bytes_key\":12,\"bytes_value\":24,"
                                        + "\"max_entries\":16,\"key_type\":\"struct cli_key\",\"value_type\":\"struct cli_value\"}"),
                show.out());
        assertTrue(
                show.out()
                        .contains("\"name\":\"cli_limit\",\"offset\":0,\"type\":\"const volatile __u32\",\"value\":3"),
                show.out());
        Result core = bpf4j("-j", "object", "show", object("load_core_exec").toString());
        assertTrue(core.out().contains("\"core_relocations\":{\"tracepoint/sched/sched_process_exec\":3}"), core.out());
        Result dump = bpf4j("object", "dump", object("load_subprogs").toString(), "--prog", "xdp_first");
        assertEquals(0, dump.code(), dump.err());
        assertTrue(dump.out().contains("\tcall bump\n") && dump.out().contains("\nbump:\n"), dump.out());
        Result bad = bpf4j("object", "dump", object("load_subprogs").toString(), "--prog", "nope");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("has no program or function nope"), bad.err());
    }

    @Test
    void runStreamsOneLinePerExec() throws Exception {
        assumeRoot();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int[] code = {-1};
        Thread t = new Thread(() -> code[0] = cl.execute(
                "run", object("cli_exec").toString(), "--ringbuf", "cli_events:cli_exec", "--duration", "4s"));
        t.start();
        Thread.sleep(2500); // loaded and attached by then
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Process p = new ProcessBuilder("/bin/true").start();
            pids.add(p.pid());
            p.waitFor();
        }
        t.join(30_000);
        assertEquals(0, code[0], err.toString());
        for (long pid : pids) {
            long lines = out.toString()
                    .lines()
                    .filter(l -> l.startsWith("{\"ringbuf\":\"cli_events\",\"data\":{\"pid\":" + pid + ",\"seq\":"))
                    .count();
            // the JDK starts a child through jspawnhelper: two execs in the one pid
            assertTrue(lines >= 1 && lines <= 2, lines + " lines for the exec of pid " + pid + " in\n" + out);
        }
        assertTrue(
                out.toString()
                        .contains("{\"map\":\"cli_count\",\"entries\":[{\"key\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]"),
                out.toString());
    }

    /** Program and map types: bpf4j's answer equals bpftool's for every type both know (tracing kinds aside). */
    @Test
    void featureProbeAgreesWithBpftool() throws Exception {
        assumeRoot();
        Result r = bpf4j("-j", "feature", "probe", "--no-helpers");
        assertEquals(0, r.code(), r.err());
        String theirs = bpftool("-j", "feature", "probe", "kernel");
        Pattern have = Pattern.compile("\"(have_[a-z0-9_]+_(?:prog|map)_type)\":(true|false)");
        Map<String, String> mine = new LinkedHashMap<>();
        Matcher m = have.matcher(r.out());
        while (m.find()) {
            mine.put(m.group(1), m.group(2));
        }
        int compared = 0;
        m = have.matcher(theirs);
        while (m.find()) {
            String k = m.group(1);
            // libbpf probes tracing, ext, lsm and struct_ops with a BTF target; bpf4j does not.
            if (k.matches("have_(tracing|ext|lsm|struct_ops)_prog_type") || !mine.containsKey(k)) {
                continue;
            }
            assertEquals(m.group(2), mine.get(k), k);
            compared++;
        }
        assertTrue(compared > 40, "compared " + compared + " types");
    }

    @Test
    void btfListAndDump() throws Exception {
        assumeRoot();
        Result list = bpf4j("-j", "btf", "list");
        assertEquals(0, list.code(), list.err());
        Matcher m = Pattern.compile("\\{\"id\":(\\d+),\"size\":(\\d+),\"name\":\"vmlinux\",\"kernel\":true\\}")
                .matcher(list.out());
        assertTrue(m.find(), list.out());
        assertEquals(Files.size(Path.of("/sys/kernel/btf/vmlinux")), Long.parseLong(m.group(2)));
        Result raw = bpf4j("btf", "dump", "id", m.group(1));
        assertEquals(0, raw.code(), raw.err());
        assertTrue(raw.out().contains("STRUCT 'task_struct'"), raw.out().substring(0, 200));
        Result c = bpf4j("btf", "dump", "file", object("cli_hash").toString(), "format", "c");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("struct cli_value {") && c.out().contains("enum cli_state {"), c.out());
        Result bad = bpf4j("btf", "dump", "id", "abc");
        assertEquals(1, bad.code());
        assertEquals("bpf4j: BTF id abc is not a number\n", bad.err());
    }

    @Test
    void completionAndHelp() throws Exception {
        Result help = bpf4j("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("object") && help.out().contains("run"), help.out());
        Result group = bpf4j("map");
        assertEquals(2, group.code(), "a group without its subcommand is a usage error");
        for (String sub : List.of("list, ls", "show", "dump", "lookup", "update", "delete", "pin")) {
            assertTrue(group.err().contains(sub), sub + " missing from the usage:\n" + group.err());
        }
        assertEquals(0, bpf4j("object", "show", object("cli_exec").toString()).code(), "a subcommand registered alone");

        // the completion script covers the whole tree although the command registers it lazily
        Path script = Files.createTempFile("bpf4j_completion", "");
        try {
            Completion.main(new String[] {script.toString()});
            String text = Files.readString(script);
            for (String word :
                    List.of("object", "prog", "map", "link", "btf", "feature", "run", "gen", "lookup", "probe")) {
                assertTrue(text.contains(word), word + " missing from the completion script");
            }
        } finally {
            Files.delete(script);
        }
    }
}
