package io.bpf4j.codegen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The C header {@code bpf4j.h} that BPF programs include to declare what the generator reads
 * from their BTF: {@code BPF4J_RECORD(map, type)} names the record type of a ring buffer or perf
 * event array.
 *
 * <pre>{@code
 * Path include = BpfHeaders.write(Path.of("target/bpf4j/include")); // then clang -I target/bpf4j/include
 * }</pre>
 *
 * <pre>{@code
 * #include "bpf4j.h"
 * BPF4J_RECORD(events, struct event);
 * }</pre>
 */
public final class BpfHeaders {
    /** The header's file name, as C sources include it. */
    public static final String FILE_NAME = "bpf4j.h";

    private BpfHeaders() {}

    /** The header's text. */
    public static String text() {
        try (InputStream in = BpfHeaders.class.getResourceAsStream(FILE_NAME)) {
            if (in == null) {
                throw new IllegalStateException("bpf4j-codegen is missing its resource io/bpf4j/codegen/" + FILE_NAME);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code bpf4j.h} into {@code includeDirectory} (created if missing), leaving an
     * identical file untouched so that its time stamp does not trigger recompiles.
     *
     * @return the header's path
     */
    public static Path write(Path includeDirectory) throws IOException {
        Files.createDirectories(includeDirectory);
        Path h = includeDirectory.resolve(FILE_NAME);
        byte[] bytes = text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (!Files.exists(h) || !Arrays.equals(Files.readAllBytes(h), bytes)) {
            Files.write(h, bytes);
        }
        return h;
    }
}
