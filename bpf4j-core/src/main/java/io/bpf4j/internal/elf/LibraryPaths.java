package io.bpf4j.internal.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds a shared library by bare name ({@code libc.so.6}, or {@code c} for {@code libc.so*}) the way
 * the dynamic loader would: {@code /etc/ld.so.cache} (the glibc-ld.so.cache1.1 format), then the
 * standard library directories.
 */
public final class LibraryPaths {
    private static final String MAGIC = "glibc-ld.so.cache1.1";
    private static final List<Path> DIRS = List.of(
            Path.of("/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib64"),
            Path.of("/usr/lib64"),
            Path.of("/lib"),
            Path.of("/usr/lib"));

    private LibraryPaths() {}

    /** An absolute path as it is; a bare name resolved through the cache and the standard directories. */
    public static Optional<Path> resolve(String nameOrPath) {
        if (nameOrPath.startsWith("/")) {
            return Optional.of(Path.of(nameOrPath));
        }
        String soname = nameOrPath.contains(".so") ? nameOrPath : "lib" + nameOrPath + ".so";
        Optional<Path> cached = fromCache(Path.of("/etc/ld.so.cache"), soname);
        if (cached.isPresent()) {
            return cached;
        }
        for (Path d : DIRS) {
            Path p = d.resolve(soname);
            if (Files.exists(p)) {
                return Optional.of(p);
            }
            try (var s = Files.list(d)) {
                Optional<Path> versioned = s.filter(
                                f -> f.getFileName().toString().startsWith(soname + "."))
                        .sorted()
                        .findFirst();
                if (versioned.isPresent()) {
                    return versioned;
                }
            } catch (IOException e) {
                // a missing standard directory: try the next
            }
        }
        return Optional.empty();
    }

    /** Looks {@code soname} (or {@code soname.*}) up in an ld.so.cache file. */
    static Optional<Path> fromCache(Path cache, String soname) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(cache);
        } catch (IOException e) {
            return Optional.empty();
        }
        int start = indexOf(raw, MAGIC.getBytes(StandardCharsets.US_ASCII));
        if (start < 0) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int header = start + MAGIC.length();
        if (header + 8 > raw.length) {
            return Optional.empty();
        }
        int nlibs = b.getInt(header);
        int entries = header + 4 + 4 + 4 + 4 + 12; // nlibs, len_strings, flags+pad, extension offset, unused[3]
        for (int i = 0; i < nlibs; i++) {
            int e = entries + i * 24;
            if (e + 24 > raw.length) {
                break;
            }
            String key = cString(raw, start + b.getInt(e + 4));
            if (key != null && (key.equals(soname) || key.startsWith(soname + "."))) {
                String value = cString(raw, start + b.getInt(e + 8));
                if (value != null && Files.exists(Path.of(value))) {
                    return Optional.of(Path.of(value));
                }
            }
        }
        return Optional.empty();
    }

    private static String cString(byte[] raw, int at) {
        if (at < 0 || at >= raw.length) {
            return null;
        }
        int end = at;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, at, end - at, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] raw, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= raw.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (raw[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
