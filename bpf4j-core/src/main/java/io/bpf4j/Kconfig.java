package io.bpf4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The running kernel's build configuration, for the {@code .kconfig} externs of BPF objects
 * ({@code extern bool CONFIG_X __kconfig;}): read from {@code /proc/config.gz}, or
 * {@code /boot/config-$(uname -r)} when the kernel does not expose its config.
 *
 * <pre>{@code
 * Kconfig k = Kconfig.running();
 * Optional<String> hz = k.raw("CONFIG_HZ");      // "1000"
 * int version = Kconfig.linuxKernelVersion();     // KERNEL_VERSION(6, 18, 44)
 * }</pre>
 */
public final class Kconfig {
    /** The one extern libbpf fills from uname instead of the config file. */
    public static final String LINUX_KERNEL_VERSION = "LINUX_KERNEL_VERSION";

    private static volatile Kconfig running;

    private final Map<String, String> values;
    private final String source;

    private Kconfig(Map<String, String> values, String source) {
        this.values = Collections.unmodifiableMap(values);
        this.source = source;
    }

    /**
     * The running kernel's config, read once per JVM.
     *
     * @throws BpfException when neither /proc/config.gz nor /boot/config-RELEASE is readable
     */
    public static Kconfig running() {
        Kconfig k = running;
        if (k == null) {
            k = readRunning();
            running = k;
        }
        return k;
    }

    private static Kconfig readRunning() {
        Path proc = Path.of("/proc/config.gz");
        Path boot = Path.of("/boot/config-" + release());
        try {
            if (Files.isReadable(proc)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(proc))) {
                    return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), proc.toString());
                }
            }
            if (Files.isReadable(boot)) {
                return parse(Files.readString(boot), boot.toString());
            }
        } catch (IOException e) {
            throw new BpfException("cannot read the kernel config: " + e.getMessage(), e);
        }
        throw new BpfException("cannot find the kernel config: neither " + proc + " nor " + boot
                + " exists (the kernel needs CONFIG_IKCONFIG_PROC, or install the config in /boot)");
    }

    /**
     * Parses Kconfig text ({@code CONFIG_X=y} lines; comments and "is not set" lines are
     * skipped, as libbpf does: such a value is missing, which a {@code __weak} extern reads as 0).
     *
     * @param origin names the text in errors (a file name)
     */
    public static Kconfig parse(String text, String origin) {
        Map<String, String> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (!line.startsWith("CONFIG_")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
        return new Kconfig(out, origin);
    }

    /** The raw value after {@code =} (e.g. {@code y}, {@code m}, {@code 1000}, {@code "str"}). */
    public Optional<String> raw(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Every set option, in file order. */
    public Map<String, String> values() {
        return values;
    }

    /** Where the values came from (a file name). */
    public String source() {
        return source;
    }

    /** The kernel release, e.g. {@code 6.18.44-fc-v595} (uname -r). */
    public static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version", "0.0.0");
        }
    }

    /**
     * {@code KERNEL_VERSION(major, minor, patch)} of the running kernel, the patch capped at 255
     * as the kernel's own macro does.
     */
    public static int linuxKernelVersion() {
        return kernelVersionOf(release());
    }

    /** {@code KERNEL_VERSION} of a release string such as {@code 6.18.44-foo}. */
    static int kernelVersionOf(String release) {
        int[] parts = new int[3];
        int i = 0;
        int n = 0;
        boolean any = false;
        for (char c : release.toCharArray()) {
            if (Character.isDigit(c)) {
                n = n * 10 + (c - '0');
                any = true;
            } else if (c == '.' && i < 2) {
                parts[i++] = n;
                n = 0;
            } else {
                break;
            }
        }
        if (!any) {
            throw new BpfException("cannot read a kernel version from release \"" + release + "\"");
        }
        parts[i] = n;
        return (parts[0] << 16) + (parts[1] << 8) + Math.min(parts[2], 255);
    }

    /**
     * The bytes (little-endian, {@code ext.size()} long) an extern of this kind and size gets.
     *
     * @throws BpfException when the value is missing for a strong extern, or does not fit the C type
     */
    public byte[] encode(KconfigExtern ext) {
        ByteBuffer out = ByteBuffer.allocate(ext.size()).order(ByteOrder.LITTLE_ENDIAN);
        String v;
        if (VirtualExterns.isVirtual(ext.name())) {
            v = VirtualExterns.value(ext.name())
                    .orElseThrow(() -> new BpfException("kconfig extern "
                            + ext.name() + " is not one of libbpf's virtual externs " + VirtualExterns.NAMES
                            + " (names starting with LINUX_ are reserved for them)"));
            if (ext.name().equals(LINUX_KERNEL_VERSION)) {
                return encodeInt(ext, v, out);
            }
        } else {
            v = values.get(ext.name());
        }
        if (v == null) {
            if (ext.weak()) {
                return out.array();
            }
            throw new BpfException("kconfig extern " + ext.name() + " has no value in " + source
                    + " (declare it __weak to read a missing option as 0)");
        }
        switch (ext.kind()) {
            case BOOL -> {
                if (!v.equals("y") && !v.equals("n")) {
                    throw bad(ext, v, "a bool takes y or n");
                }
                out.put((byte) (v.equals("y") ? 1 : 0));
            }
            case TRISTATE -> {
                int t =
                        switch (v) {
                            case "n" -> 0;
                            case "y" -> 1;
                            case "m" -> 2;
                            default -> throw bad(ext, v, "a tristate takes y, m or n");
                        };
                out.putInt(t);
            }
            case CHAR -> {
                if (!v.equals("y") && !v.equals("n") && !v.equals("m")) {
                    throw bad(ext, v, "a char takes y, m or n");
                }
                out.put((byte) v.charAt(0));
            }
            case INT -> encodeInt(ext, v, out);
            case STRING -> {
                if (v.length() < 2 || !v.startsWith("\"") || !v.endsWith("\"")) {
                    throw bad(ext, v, "a char array takes a quoted string");
                }
                byte[] s = v.substring(1, v.length() - 1).getBytes(StandardCharsets.UTF_8);
                // Cut to leave room for the NUL, as libbpf does (it warns about the truncation).
                out.put(s, 0, Math.min(s.length, ext.size() - 1));
            }
        }
        return out.array();
    }

    private static byte[] encodeInt(KconfigExtern ext, String v, ByteBuffer out) {
        if (ext.kind() != KconfigExtern.Kind.INT) {
            throw bad(ext, v, "it is a number, the extern is " + ext.kind());
        }
        long n;
        try {
            n = v.startsWith("0x") || v.startsWith("0X")
                    ? Long.parseUnsignedLong(v.substring(2), 16)
                    : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(ext, v, "an integer takes a decimal or 0x hex number");
        }
        int bits = ext.size() * 8;
        if (bits < 64) {
            long min = ext.signed() ? -(1L << (bits - 1)) : 0;
            long max = ext.signed() ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
            if (n < min || n > max) {
                throw bad(ext, v, "it does not fit " + ext.size() + " bytes " + (ext.signed() ? "signed" : "unsigned"));
            }
        }
        for (int i = 0; i < ext.size(); i++) {
            out.put((byte) (n >>> (8 * i)));
        }
        return out.array();
    }

    private static BpfException bad(KconfigExtern ext, String value, String why) {
        return new BpfException("kconfig extern " + ext.name() + ": value " + value + " does not fit: " + why);
    }

    @Override
    public String toString() {
        return "Kconfig[" + values.size() + " options from " + source + "]";
    }
}
