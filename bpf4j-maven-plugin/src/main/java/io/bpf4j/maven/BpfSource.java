package io.bpf4j.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One {@code *.bpf.c} under the BPF source directory and where its object goes:
 * {@code src/main/bpf/net/x.bpf.c} becomes the class-path resource {@code <resourceDir>/net/x.bpf.o}.
 *
 * @param source the C file
 * @param relative its path below the source directory, with '/' separators ({@code net/x.bpf.c})
 */
record BpfSource(Path source, String relative) {
    static final String SUFFIX = ".bpf.c";

    /** Every {@code **}{@code /*.bpf.c} under {@code dir}, sorted by relative path; none when the directory is missing. */
    static List<BpfSource> scan(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p))
                    .map(p -> new BpfSource(p, dir.relativize(p).toString().replace(java.io.File.separatorChar, '/')))
                    .sorted(java.util.Comparator.comparing(BpfSource::relative))
                    .toList();
        }
    }

    /** {@code net/x.bpf.o} */
    String objectRelative() {
        return relative.substring(0, relative.length() - 2) + ".o";
    }

    /** The object's class-path resource name, e.g. {@code bpf/net/x.bpf.o}. */
    String resourceName(String resourceDirectory) {
        String dir = resourceDirectory.replaceAll("^/+|/+$", "");
        return dir.isEmpty() ? objectRelative() : dir + "/" + objectRelative();
    }

    /** The object's file below the class output directory. */
    Path object(Path outputDirectory, String resourceDirectory) {
        return outputDirectory.resolve(resourceName(resourceDirectory));
    }

    /** {@code x} for {@code net/x.bpf.c}: the name configuration keys use for this object. */
    String baseName() {
        String file = relative.substring(relative.lastIndexOf('/') + 1);
        return file.substring(0, file.length() - SUFFIX.length());
    }
}
