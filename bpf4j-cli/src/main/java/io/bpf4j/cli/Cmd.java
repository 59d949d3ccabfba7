package io.bpf4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command shares: its output, JSON or human text. */
abstract class Cmd {
    @Spec
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
     * An ordered name-to-class map from (name, class) pairs: a group's subcommands by every name
     * they answer to. Here, not in Main: a group's static initializer calls it, and Main's reads
     * the groups' maps (no initialization cycle).
     */
    static java.util.Map<String, Class<?>> byName(Object... nameThenClass) {
        java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            m.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** An error for the user: one line, exit code 1. */
    static IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(message);
    }
}
