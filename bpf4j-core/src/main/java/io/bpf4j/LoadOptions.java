package io.bpf4j;

/**
 * Options of {@link Program#load(ProgramSpec, LoadOptions)}.
 *
 * <pre>{@code
 * Program p = Program.load(spec, LoadOptions.DEFAULT.withLogLevel(2));
 * System.out.println(p.verifierLog());
 * }</pre>
 *
 * @param logLevel verifier log level for a successful load (0: no log; a failed load always
 *                 retries with level 1 to explain itself): a sum of 1 (basic), 2 (verbose),
 *                 4 (statistics) and 8 (fixed-size log); {@link Program#load} refuses others, naming
 *                 the program
 */
public record LoadOptions(int logLevel) {
    /** No log on success. */
    public static final LoadOptions DEFAULT = new LoadOptions(0);

    /** Checks the level is not negative. */
    public LoadOptions {
        if (logLevel < 0) {
            throw new IllegalArgumentException("negative log level " + logLevel);
        }
    }

    /** These options with another log level. */
    public LoadOptions withLogLevel(int level) {
        return new LoadOptions(level);
    }
}
