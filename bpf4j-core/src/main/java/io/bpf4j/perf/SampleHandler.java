package io.bpf4j.perf;

import java.lang.foreign.MemorySegment;

/**
 * Receives one record a program wrote with {@code bpf_perf_event_output}: the CPU it came from and
 * its bytes, a view valid only during the call (a copy when the record wrapped the ring's end).
 */
@FunctionalInterface
public interface SampleHandler {
    /** Handles one record. */
    void accept(int cpu, MemorySegment sample);
}
