package io.bpf4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Declares a command through picocli's programmatic API: name, description, options and
 * positional parameters, each handing its parsed value to the command object.
 *
 * <p>Why not picocli's annotations: reading them spins a dynamic proxy class per annotation type
 * (and per meta-annotation) and reflects over every member of every command, which the JDK's AOT
 * cache cannot keep; it was about half of a short command's start-up ({@code bpf4j prog list}).
 * Declared in code, a command costs a few object allocations.
 *
 * <pre>{@code
 * static CommandSpec spec() {
 *     ShowCmd c = new ShowCmd();
 *     return Decl.command(c, "show", "One program, or all.")
 *             .words("0..2", "PROG", "id N | name NAME | pinned PATH", v -> c.ref = v)
 *             .spec();
 * }
 * }</pre>
 */
final class Decl {
    private final CommandSpec spec;

    private Decl(CommandSpec spec) {
        this.spec = spec;
    }

    /** A command that runs {@code cmd}; the command's {@link Cmd#spec} is set to it. */
    static Decl command(Cmd cmd, String name, String description, String... aliases) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(cmd).name(name).aliases(aliases);
        spec.usageMessage().description(description);
        cmd.spec = spec;
        return new Decl(spec);
    }

    /** A group: a name for subcommands, which run nothing themselves. */
    static CommandSpec group(String name, String description) {
        CommandSpec spec = CommandSpec.create().name(name);
        spec.usageMessage().description(description);
        return spec;
    }

    /** Positional words, {@code arity} of them (e.g. "0..2", "1..*"), as a list of strings. */
    Decl words(String arity, String label, String description, Consumer<List<String>> set) {
        return positional(null, arity, label, description, List.class, set);
    }

    /** Positional words from {@code index} on (e.g. "1..*"), {@code arity} of them, as a list of strings. */
    Decl wordsAt(String index, String arity, String label, String description, Consumer<List<String>> set) {
        return positional(index, arity, label, description, List.class, set);
    }

    /** The positional word at {@code index} (e.g. "0", "1..*"). */
    Decl word(String index, String label, String description, Consumer<String> set) {
        return positional(index, "1", label, description, String.class, set);
    }

    /** The positional path at {@code index}. */
    Decl path(String index, String label, String description, Consumer<Path> set) {
        return positional(index, "1", label, description, Path.class, set);
    }

    private <T> Decl positional(
            String index, String arity, String label, String description, Class<?> type, Consumer<T> set) {
        Binding<T> binding = new Binding<>(null, set);
        PositionalParamSpec.Builder b = PositionalParamSpec.builder()
                .arity(arity)
                .required(!arity.startsWith("0")) // as picocli derives it for annotated parameters
                .paramLabel(label)
                .type(type)
                .getter(binding)
                .setter(binding);
        if (type == List.class) {
            b.auxiliaryTypes(String.class);
        }
        if (index != null) {
            b.index(index);
        }
        if (description != null) {
            b.description(description);
        }
        spec.addPositional(b.build());
        return this;
    }

    /** An option with one value. */
    Decl option(String name, String label, String description, boolean required, Consumer<String> set) {
        return option(new String[] {name}, label, description, required, String.class, set);
    }

    /** An option with one path value. */
    Decl pathOption(String[] names, String label, String description, boolean required, Consumer<Path> set) {
        return option(names, label, description, required, Path.class, set);
    }

    /** A repeatable option; its values in order. */
    Decl repeated(String name, String label, String description, Consumer<List<String>> set) {
        return option(new String[] {name}, label, description, false, List.class, set);
    }

    /** A flag: an option without a value. */
    Decl flag(String name, String description, Consumer<Boolean> set) {
        Binding<Boolean> binding = new Binding<>(false, set);
        spec.addOption(OptionSpec.builder(name)
                .type(boolean.class)
                .arity("0")
                .description(description)
                .getter(binding)
                .setter(binding)
                .build());
        return this;
    }

    private <T> Decl option(
            String[] names, String label, String description, boolean required, Class<?> type, Consumer<T> set) {
        Binding<T> binding = new Binding<>(null, set);
        OptionSpec.Builder b = OptionSpec.builder(names)
                .paramLabel(label)
                .description(description)
                .required(required)
                .type(type)
                .getter(binding)
                .setter(binding);
        if (type == List.class) {
            b.auxiliaryTypes(String.class);
        }
        spec.addOption(b.build());
        return this;
    }

    CommandSpec spec() {
        return spec;
    }

    /**
     * Holds an argument's value for picocli (which reads it back to add to a list) and hands every
     * non-null value to the command.
     */
    private static final class Binding<V> implements IGetter, ISetter {
        private Object value;
        private final Consumer<V> sink;

        Binding(Object initial, Consumer<V> sink) {
            this.value = initial;
            this.sink = sink;
        }

        @Override
        // picocli's IGetter declares it so, and asks for the type it declared with the argument
        @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
        public <T> T get() {
            return (T) value;
        }

        @Override
        @SuppressWarnings("unchecked") // the value is of the type declared with the argument
        public <T> T set(T v) {
            T old = (T) value;
            value = v;
            if (v != null) {
                sink.accept((V) v);
            }
            return old;
        }
    }
}
