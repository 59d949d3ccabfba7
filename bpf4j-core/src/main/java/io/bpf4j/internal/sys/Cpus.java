package io.bpf4j.internal.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CPU sets from sysfs: possible CPUs (per-CPU map slots) and online CPUs (perf rings). */
public final class Cpus {
    private static volatile int possible = -1;

    private Cpus() {}

    /** Number of possible CPUs: the number of slots in a per-CPU map value. */
    public static int possibleCount() {
        int n = possible;
        if (n < 0) {
            List<Integer> cpus = parse(read("/sys/devices/system/cpu/possible"));
            n = cpus.isEmpty() ? 1 : cpus.getLast() + 1;
            possible = n;
        }
        return n;
    }

    /** The online CPUs, ascending. */
    public static List<Integer> online() {
        return parse(read("/sys/devices/system/cpu/online"));
    }

    /** Parses a kernel cpu list such as {@code 0-3,5,7-8}. */
    public static List<Integer> parse(String list) {
        List<Integer> out = new ArrayList<>();
        for (String part : list.trim().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            try {
                if (dash < 0) {
                    out.add(Integer.parseInt(part));
                } else {
                    int from = Integer.parseInt(part.substring(0, dash));
                    int to = Integer.parseInt(part.substring(dash + 1));
                    for (int c = from; c <= to; c++) {
                        out.add(c);
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed cpu list \"" + list.trim() + "\"", e);
            }
        }
        return out;
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
