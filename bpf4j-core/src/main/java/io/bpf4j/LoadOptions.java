package io.bpf4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Options of {@link Program#load(ProgramSpec, LoadOptions)}.
 *
 * <pre>{@code
 * Program p = Program.load(spec, LoadOptions.DEFAULT.withLogLevel(2));
 * System.out.println(p.verifierLog());
 * }</pre>
 *
 * @param logLevel verifier log level for a successful load (0: no log; a failed load always
 *                 retries with level 1 to explain itself); 1 basic, 2 verbose, 4 statistics
 * @param extra a hook that fills more bpf_attr fields (BTF, func/line info, fd array) before the
 *              call; the object loader uses it. It receives the attr and an arena that lives
 *              for the duration of the load.
 */
public record LoadOptions(int logLevel, BiConsumer<MemorySegment, Arena> extra) {
    /** No log on success, nothing extra. */
    public static final LoadOptions DEFAULT = new LoadOptions(0, (a, b) -> { });

    /** Checks the arguments. */
    public LoadOptions {
        Objects.requireNonNull(extra, "extra");
        if (logLevel < 0) {
            throw new IllegalArgumentException("negative log level " + logLevel);
        }
    }

    /** These options with another log level. */
    public LoadOptions withLogLevel(int level) {
        return new LoadOptions(level, extra);
    }

    /** These options with another attr hook. */
    public LoadOptions withExtra(BiConsumer<MemorySegment, Arena> hook) {
        return new LoadOptions(logLevel, hook);
    }
}
