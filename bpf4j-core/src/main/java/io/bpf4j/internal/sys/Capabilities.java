package io.bpf4j.internal.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's effective capabilities, read from {@code /proc/self/status} ({@code CapEff}): what
 * the kernel checks, unlike the user name or uid (root without CAP_BPF in a container, or a user
 * with CAP_BPF given by a file capability).
 *
 * <pre>{@code
 * boolean canLoad = Capabilities.has(Capabilities.effective(), Capabilities.CAP_BPF);
 * }</pre>
 */
public final class Capabilities {
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_PERFMON = 38;
    public static final int CAP_BPF = 39;

    private Capabilities() {}

    /** The effective capability set as a bit mask (bit n = capability n); 0 when it cannot be read. */
    public static long effective() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/status")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The CapEff mask of a {@code /proc/<pid>/status} text; 0 when the line is missing. */
    public static long parse(java.util.List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
            }
        }
        return 0;
    }

    /** Whether {@code mask} holds capability {@code cap}. */
    public static boolean has(long mask, int cap) {
        return (mask & (1L << cap)) != 0;
    }
}
