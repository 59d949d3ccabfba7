package io.bpf4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Addresses of kernel symbols from {@code /proc/kallsyms}, for untyped {@code __ksym} externs
 * ({@code extern const void bpf_prog_active __ksym;}) that have no BTF to resolve them by.
 * The file is large (hundreds of thousands of lines), so a lookup scans it once for just the
 * names asked for.
 *
 * <pre>{@code
 * Map<String, Long> addrs = Kallsyms.addresses(List.of("bpf_prog_active"));
 * }</pre>
 */
public final class Kallsyms {
    private static final Path FILE = Path.of("/proc/kallsyms");

    private Kallsyms() {}

    /**
     * The addresses of the named symbols that exist (a missing name is absent from the result).
     *
     * @throws BpfException when a name has two different addresses (libbpf refuses such an
     *         ambiguous extern too), or when every address reads as 0 (kptr_restrict hides them
     *         from this process)
     */
    public static Map<String, Long> addresses(Collection<String> names) {
        return addresses(FILE, names);
    }

    static Map<String, Long> addresses(Path file, Collection<String> names) {
        Set<String> wanted = new HashSet<>(names);
        Map<String, Long> out = new HashMap<>();
        if (wanted.isEmpty()) {
            return out;
        }
        boolean anyNonZero = false;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null) {
                // "ffffffff81000000 T _stext" or "... t name\t[module]"
                int s1 = line.indexOf(' ');
                int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
                if (s2 < 0) {
                    continue;
                }
                int end = line.indexOf('\t', s2 + 1);
                String name = end < 0 ? line.substring(s2 + 1) : line.substring(s2 + 1, end);
                if (!wanted.contains(name)) {
                    continue;
                }
                long addr = Long.parseUnsignedLong(line, 0, s1, 16);
                anyNonZero |= addr != 0;
                Long prev = out.putIfAbsent(name, addr);
                if (prev != null && prev != addr) {
                    throw new BpfException("kernel symbol " + name + " is ambiguous in " + file + ": at 0x"
                            + Long.toHexString(prev) + " and 0x" + Long.toHexString(addr));
                }
            }
        } catch (IOException e) {
            throw new BpfException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!out.isEmpty() && !anyNonZero) {
            throw new PermissionException(
                    "the kernel hides symbol addresses in " + file
                            + " from this process (kernel.kptr_restrict; run as root)",
                    Errno.EPERM.number(),
                    "",
                    file.toString());
        }
        return out;
    }
}
