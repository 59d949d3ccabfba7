package io.bpf4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** What every command shares: its output, JSON or human text. */
abstract class Cmd {
    /** This command's declaration (set by {@link Decl#command}); its command line prints the output. */
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code value} as JSON with {@code -j}, else {@code human}'s text. */
    void emit(Object value, java.util.function.Supplier<String> human) {
        PrintWriter o = out();
        if (Main.json) {
            String j = Json.of(value);
            o.println(Main.pretty ? Json.pretty(j) : j);
        } else {
            String h = human.get();
            o.print(h.endsWith("\n") || h.isEmpty() ? h : h + "\n");
        }
        o.flush();
    }

    /** Runs this command with another command's spec (for "show" without arguments = "list"). */
    void runWith(CommandSpec s) {
        this.spec = s;
        ((Runnable) this).run();
    }

    /**
     * A group's subcommands by every name they answer to (aliases too), in help order, each as the
     * function that declares it: {@link Main} declares only the one a command line names.
     */
    static final class Names {
        private final java.util.Map<String, java.util.function.Supplier<CommandSpec>> byName =
                new java.util.LinkedHashMap<>();

        Names add(String name, java.util.function.Supplier<CommandSpec> spec) {
            byName.put(name, spec);
            return this;
        }

        java.util.Map<String, java.util.function.Supplier<CommandSpec>> build() {
            return java.util.Collections.unmodifiableMap(byName);
        }
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** An error for the user: one line, exit code 1. */
    static IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(message);
    }
}
