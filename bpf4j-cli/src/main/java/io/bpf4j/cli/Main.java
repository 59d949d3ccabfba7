package io.bpf4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code bpf4j} command: bpftool's inspection (programs, maps, links, BTF, features) with
 * {@code -j} JSON everywhere, object files read without loading ({@code object show|dump}), and
 * {@code run}: load an object, attach its programs and stream its events as JSON lines.
 *
 * <p>Exit codes: 0 done, 1 the operation failed (one line on stderr; the stack trace with
 * {@code --verbose}), 2 the command line is wrong.
 */
@Command(
        name = "bpf4j",
        mixinStandardHelpOptions = true,
        version = "bpf4j 0.1.0",
        description = "Inspect BPF objects and the kernel's programs, maps, links and BTF; run an object.")
public final class Main {
    /**
     * The subcommands, by name. Registered lazily: picocli builds a command's model by reflecting
     * over its annotations (each annotation type read costs a dynamic proxy class spun at run time,
     * which the AOT cache cannot keep), and doing that for every command was most of a short
     * command's start-up. A command line naming a subcommand registers only that one, and inside a
     * group ({@code prog}, {@code map}, ...) only the subcommand it names; help, an unknown word or
     * none get the whole level, for the usage and the error.
     */
    private static final java.util.Map<String, Class<?>> SUBCOMMANDS = Cmd.byName(
            "object", ObjectCommand.class,
            "prog", ProgCommand.class,
            "map", MapCommand.class,
            "link", LinkCommand.class,
            "btf", BtfCommand.class,
            "feature", FeatureCommand.class,
            "run", RunCommand.class,
            "gen", GenCommand.class,
            "help", CommandLine.HelpCommand.class);

    /** The second level: a group's subcommands by every name they answer to. */
    private static final java.util.Map<Class<?>, java.util.Map<String, Class<?>>> GROUPS = java.util.Map.of(
            ObjectCommand.class, ObjectCommand.SUBCOMMANDS,
            ProgCommand.class, ProgCommand.SUBCOMMANDS,
            MapCommand.class, MapCommand.SUBCOMMANDS,
            LinkCommand.class, LinkCommand.SUBCOMMANDS,
            BtfCommand.class, BtfCommand.SUBCOMMANDS,
            FeatureCommand.class, FeatureCommand.SUBCOMMANDS);

    static boolean json;
    static boolean pretty;
    static boolean verbose;

    @Option(
            names = {"-j", "--json"},
            scope = ScopeType.INHERIT,
            description = "Print JSON.")
    void json(boolean v) {
        json = v;
    }

    @Option(
            names = {"-p", "--pretty"},
            scope = ScopeType.INHERIT,
            description = "Print JSON, indented (implies -j).")
    void pretty(boolean v) {
        pretty = v;
        json |= v;
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    void verbose(boolean v) {
        verbose = v;
    }

    /** The command line with every subcommand (tests, shell completion), with bpf4j's error handling. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        SUBCOMMANDS.forEach((name, type) -> cl.addSubcommand(name, group(type, null)));
        return handled(cl);
    }

    /** The command line for {@code args}: only the subcommands its words name (see {@link #SUBCOMMANDS}). */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        java.util.List<String> words = java.util.Arrays.stream(args)
                .filter(a -> !a.startsWith("-"))
                .limit(2)
                .toList();
        String first = words.isEmpty() ? "" : words.get(0);
        Class<?> only = first.equals("help") ? null : SUBCOMMANDS.get(first);
        boolean versionOnly = first.isEmpty() && java.util.Arrays.asList(args).contains("--version");
        if (only != null) {
            cl.addSubcommand(first, group(only, words.size() > 1 ? words.get(1) : null));
        } else if (!versionOnly) {
            SUBCOMMANDS.forEach((name, type) -> cl.addSubcommand(name, group(type, null)));
        }
        return handled(cl);
    }

    /**
     * {@code type}'s command line; for a group, with the subcommand {@code word} names, or with all
     * of them when {@code word} is null or names none.
     */
    private static CommandLine group(Class<?> type, String word) {
        CommandLine cl = new CommandLine(type);
        java.util.Map<String, Class<?>> children = GROUPS.get(type);
        if (children != null) {
            Class<?> named = word == null ? null : children.get(word);
            if (named != null) {
                cl.addSubcommand(named);
            } else {
                new java.util.LinkedHashSet<>(children.values()).forEach(cl::addSubcommand);
            }
        }
        return cl;
    }

    private static CommandLine handled(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("bpf4j: " + message(ex));
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cl;
    }

    static String message(Throwable ex) {
        String m = ex.getMessage();
        if (m == null || m.isBlank()) {
            m = ex.getClass().getSimpleName();
        }
        return m.replace('\n', ' ');
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line (reset between calls, for tests); returns the exit code. */
    static int run(String... args) {
        json = false;
        pretty = false;
        verbose = false;
        return commandLine(args).execute(args);
    }
}
