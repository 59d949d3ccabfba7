package io.bpf4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * The {@code bpf4j} command: bpftool's inspection (programs, maps, links, BTF, features) with
 * {@code -j} JSON everywhere, object files read without loading ({@code object show|dump}), and
 * {@code run}: load an object, attach its programs and stream its events as JSON lines.
 *
 * <p>Exit codes: 0 done, 1 the operation failed (one line on stderr; the stack trace with
 * {@code --verbose}), 2 the command line is wrong.
 */
public final class Main {
    /**
     * The subcommands, by name. Declared lazily: a command line naming a subcommand declares only
     * that one, and inside a group ({@code prog}, {@code map}, ...) only the subcommand it names;
     * help, an unknown word or none get the whole level, for the usage and the error. Commands are
     * declared in code ({@link Decl} says why not with annotations).
     */
    private static final java.util.Map<String, java.util.function.Supplier<CommandSpec>> SUBCOMMANDS = new Cmd.Names()
            .add("object", ObjectCommand::group)
            .add("prog", ProgCommand::group)
            .add("map", MapCommand::group)
            .add("link", LinkCommand::group)
            .add("btf", BtfCommand::group)
            .add("feature", FeatureCommand::group)
            .add("run", RunCommand::spec)
            .add("gen", GenCommand::spec)
            .build();

    /** The second level: a group's subcommands by every name they answer to. */
    private static final java.util.Map<String, java.util.Map<String, java.util.function.Supplier<CommandSpec>>> GROUPS =
            java.util.Map.of(
                    "object", ObjectCommand.SUBCOMMANDS,
                    "prog", ProgCommand.SUBCOMMANDS,
                    "map", MapCommand.SUBCOMMANDS,
                    "link", LinkCommand.SUBCOMMANDS,
                    "btf", BtfCommand.SUBCOMMANDS,
                    "feature", FeatureCommand.SUBCOMMANDS);

    private Main() {}

    static boolean json;
    static boolean pretty;
    static boolean verbose;

    /**
     * The root command, declared through picocli's programmatic API rather than annotations: reading
     * annotations spins a proxy class per annotation type and reflects over every member, which made
     * the root alone about a third of a short command's start-up. Its options are inherited by every
     * subcommand ({@code bpf4j map dump -j ...}); help is {@code bpf4j help COMMAND}.
     */
    private static CommandSpec rootSpec() {
        CommandSpec spec = CommandSpec.create().name("bpf4j").version("bpf4j 0.1.0");
        spec.usageMessage()
                .description("Inspect BPF objects and the kernel's programs, maps, links and BTF; run an object.");
        spec.addOption(flag(new String[] {"-j", "--json"}, "Print JSON.", v -> json |= v));
        spec.addOption(flag(new String[] {"-p", "--pretty"}, "Print JSON, indented (implies -j).", v -> {
            pretty = v;
            json |= v;
        }));
        spec.addOption(flag(new String[] {"--verbose"}, "Print the stack trace of an error.", v -> verbose = v));
        spec.addOption(OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
        spec.addOption(OptionSpec.builder("-V", "--version")
                .versionHelp(true)
                .description("Print version information and exit.")
                .build());
        return spec;
    }

    /** A boolean option every subcommand inherits, handing its value to {@code set}. */
    private static OptionSpec flag(String[] names, String description, java.util.function.Consumer<Boolean> set) {
        return OptionSpec.builder(names)
                .type(boolean.class)
                .arity("0")
                .scopeType(ScopeType.INHERIT)
                .description(description)
                .setter(new ISetter() {
                    @Override
                    public <T> T set(T value) {
                        if (value != null) { // picocli hands null as the initial value of an unset flag
                            set.accept((Boolean) value);
                        }
                        return null;
                    }
                })
                .build();
    }

    /** The command line with every subcommand (tests, shell completion), with bpf4j's error handling. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(rootSpec());
        addAll(cl);
        return handled(cl);
    }

    /** The command line for {@code args}: only the subcommands its words name (see {@link #SUBCOMMANDS}). */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(rootSpec());
        java.util.List<String> words = java.util.Arrays.stream(args)
                .filter(a -> !a.startsWith("-"))
                .limit(2)
                .toList();
        String first = words.isEmpty() ? "" : words.get(0);
        boolean versionOnly = first.isEmpty() && java.util.Arrays.asList(args).contains("--version");
        if (SUBCOMMANDS.containsKey(first)) {
            cl.addSubcommand(first, level(first, words.size() > 1 ? words.get(1) : null));
        } else if (!versionOnly) {
            addAll(cl);
        }
        return handled(cl);
    }

    private static void addAll(CommandLine cl) {
        SUBCOMMANDS.keySet().forEach(name -> cl.addSubcommand(name, level(name, null)));
        cl.addSubcommand("help", new CommandLine.HelpCommand());
    }

    /**
     * The top-level command {@code name}; for a group, with the subcommand {@code word} names, or
     * with all of them when {@code word} is null or names none.
     */
    private static CommandLine level(String name, String word) {
        CommandLine cl = new CommandLine(SUBCOMMANDS.get(name).get());
        var children = GROUPS.getOrDefault(name, java.util.Map.of());
        var named = word == null ? null : children.get(word);
        if (named != null) {
            add(cl, named.get());
        } else {
            children.forEach((alias, declare) -> {
                CommandSpec child = declare.get();
                if (child.name().equals(alias)) { // once per command, not per alias
                    add(cl, child);
                }
            });
        }
        return cl;
    }

    private static void add(CommandLine parent, CommandSpec child) {
        parent.addSubcommand(child.name(), new CommandLine(child), child.aliases());
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
        int code = run(args);
        System.out.flush();
        System.err.flush();
        // Not System.exit: since JDK 17 it starts the platform logging (java.util.logging, about 40
        // classes) to log the exit, a tenth of a short command's run. Everything the command opened
        // is closed by now, and the kernel releases a process's descriptors when it ends.
        Runtime.getRuntime().halt(code);
    }

    /** Runs one command line (reset between calls, for tests); returns the exit code. */
    static int run(String... args) {
        json = false;
        pretty = false;
        verbose = false;
        CommandLine cl = commandLine(args);
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }
}
