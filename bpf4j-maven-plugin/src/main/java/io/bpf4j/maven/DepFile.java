package io.bpf4j.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a compile read, from the make-style dependency file clang writes with {@code -MD -MF}:
 * {@code obj: src.c a.h \\\n b.h}, where a space in a name is written {@code \ } and a dollar {@code $$}.
 */
final class DepFile {
    private DepFile() {}

    /**
     * The prerequisites listed in {@code file} (the target before the first {@code ": "} is
     * dropped), relative ones resolved against {@code base}, the directory clang ran in.
     */
    static List<Path> read(Path file, Path base) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), base);
    }

    static List<Path> parse(String text, Path base) {
        List<Path> deps = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean targetDone = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char n = text.charAt(i + 1);
                if (n == '\n' || n == '\r') { // line continuation
                    i++;
                    if (n == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    c = ' ';
                } else if (n == ' ' || n == '#' || n == '\\') {
                    word.append(n);
                    i++;
                    continue;
                }
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                word.append('$');
                i++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    String w = word.toString();
                    word.setLength(0);
                    if (!targetDone) {
                        if (w.endsWith(":")) {
                            targetDone = true;
                        }
                    } else {
                        deps.add(base == null ? Path.of(w) : base.resolve(w));
                    }
                }
                continue;
            }
            word.append(c);
        }
        if (!word.isEmpty() && targetDone) {
            deps.add(base == null ? Path.of(word.toString()) : base.resolve(word.toString()));
        }
        return deps;
    }
}
