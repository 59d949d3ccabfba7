package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The executable mappings of a file in a running process, from {@code /proc/PID/maps}. */
final class ProcessMaps {
    private ProcessMaps() {}

    /**
     * {start, end, file offset} of every executable mapping of {@code file} (compared by real
     * path) in process {@code pid}.
     *
     * @throws BpfException when the process is gone or does not map the file
     */
    static List<long[]> executableMappings(int pid, Path file, String what) {
        Path maps = Path.of("/proc", Integer.toString(pid), "maps");
        String wanted;
        try {
            wanted = file.toRealPath().toString();
        } catch (IOException e) {
            wanted = file.toString();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(maps);
        } catch (IOException e) {
            throw new BpfException(
                    "cannot attach " + what + ": cannot read " + maps + " (" + e.getMessage() + ")",
                    Errno.ESRCH.number(),
                    "usdt",
                    what);
        }
        List<long[]> out = new ArrayList<>();
        for (String line : lines) {
            // start-end perms offset dev inode   path
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 6 || !f[5].equals(wanted) || f[1].length() < 3 || f[1].charAt(2) != 'x') {
                continue;
            }
            int dash = f[0].indexOf('-');
            out.add(new long[] {
                Long.parseUnsignedLong(f[0].substring(0, dash), 16),
                Long.parseUnsignedLong(f[0].substring(dash + 1), 16),
                Long.parseUnsignedLong(f[2], 16)
            });
        }
        if (out.isEmpty()) {
            throw new BpfException(
                    "cannot attach " + what + ": process " + pid + " does not map " + wanted + " executable",
                    Errno.ESRCH.number(),
                    "usdt",
                    what);
        }
        return out;
    }
}
