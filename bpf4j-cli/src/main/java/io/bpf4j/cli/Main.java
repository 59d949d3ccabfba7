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
     * over its annotations, and doing that for every subcommand was most of a short command's
     * start-up; a command line naming one subcommand registers only that one.
     */
    private static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static java.util.Map<String, Class<?>> subcommands() {
        java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
        m.put("object", ObjectCommand.class);
        m.put("prog", ProgCommand.class);
        m.put("map", MapCommand.class);
        m.put("link", LinkCommand.class);
        m.put("btf", BtfCommand.class);
        m.put("feature", FeatureCommand.class);
        m.put("run", RunCommand.class);
        m.put("gen", GenCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return java.util.Collections.unmodifiableMap(m);
    }

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

    /** The command line with every subcommand, set up with bpf4j's error handling. */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for {@code args}: only the subcommand its first word names when it names
     * one (help, an unknown word or none get all of them, for the usage and the error).
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        String word = java.util.Arrays.stream(args)
                .filter(a -> !a.startsWith("-"))
                .findFirst()
                .orElse("");
        Class<?> only = word.equals("help") ? null : SUBCOMMANDS.get(word);
        boolean versionOnly = word.isEmpty() && java.util.Arrays.asList(args).contains("--version");
        if (only != null) {
            cl.addSubcommand(word, only);
        } else if (!versionOnly) {
            SUBCOMMANDS.forEach(cl::addSubcommand);
        }
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
