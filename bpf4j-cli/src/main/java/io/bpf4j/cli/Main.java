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
        description = "Inspect BPF objects and the kernel's programs, maps, links and BTF; run an object.",
        subcommands = {
            ObjectCommand.class,
            ProgCommand.class,
            MapCommand.class,
            LinkCommand.class,
            BtfCommand.class,
            FeatureCommand.class,
            RunCommand.class,
            GenCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {
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

    /** The command line, set up with bpf4j's error handling. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
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
        return commandLine().execute(args);
    }
}
