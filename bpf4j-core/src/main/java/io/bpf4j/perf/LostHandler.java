package io.bpf4j.perf;

/** Told how many records a CPU's ring dropped because the reader was too slow (PERF_RECORD_LOST). */
@FunctionalInterface
public interface LostHandler {
    /**
     * {@code count} records were lost on {@code cpu}.
     *
     * @param cpu the CPU whose ring lost them
     * @param count how many records were lost
     */
    void lost(int cpu, long count);
}
