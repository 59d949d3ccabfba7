package io.bpf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes the bash/zsh completion script of the whole command tree (package time: {@code java
 * io.bpf4j.cli.Completion OUT}). Not picocli's {@code AutoComplete} on {@link Main}: Main registers
 * its subcommands lazily, so its annotations alone name none of them.
 */
final class Completion {
    private Completion() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Completion OUT");
            System.exit(2);
        }
        Files.writeString(Path.of(args[0]), AutoComplete.bash("bpf4j", Main.commandLine()));
    }
}
