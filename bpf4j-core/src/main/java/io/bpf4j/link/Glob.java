package io.bpf4j.link;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * libbpf's {@code glob_match}: {@code *} matches any run of characters, {@code ?} one character;
 * and the kernel functions a kprobe.multi pattern resolves to, as libbpf finds them.
 */
final class Glob {
    private Glob() {}

    static boolean isPattern(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
    }

    /** Whether {@code s} matches {@code pattern}. */
    static boolean matches(String s, String pattern) {
        int si = 0;
        int pi = 0;
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < pattern.length() && (pattern.charAt(pi) == '?' || pattern.charAt(pi) == s.charAt(si))) {
                si++;
                pi++;
            } else if (pi < pattern.length() && pattern.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < pattern.length() && pattern.charAt(pi) == '*') {
            pi++;
        }
        return pi == pattern.length();
    }

    /**
     * The kernel functions matching {@code pattern} that can be probed: from tracefs's
     * {@code available_filter_functions} as libbpf reads it; where that is unreadable (lockdown),
     * the text symbols of {@code /proc/kallsyms} without compiler-made copies ({@code .cold},
     * {@code .isra}), as libbpf did before.
     */
    static List<String> kernelFunctions(String pattern) {
        Set<String> out = new LinkedHashSet<>();
        Path filter = Path.of("/sys/kernel/tracing/available_filter_functions");
        if (read(filter, line -> {
            int sp = line.indexOf(' ');
            String name = sp < 0 ? line : line.substring(0, sp);
            if (matches(name, pattern)) {
                out.add(name);
            }
        })) {
            return new ArrayList<>(out);
        }
        read(Path.of("/proc/kallsyms"), line -> {
            String[] f = line.split("\\s+");
            if (f.length >= 3
                    && (f[1].equals("t") || f[1].equals("T"))
                    && f[2].indexOf('.') < 0
                    && matches(f[2], pattern)) {
                out.add(f[2]);
            }
        });
        return new ArrayList<>(out);
    }

    private static boolean read(Path file, java.util.function.Consumer<String> each) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null) {
                each.accept(line);
            }
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
