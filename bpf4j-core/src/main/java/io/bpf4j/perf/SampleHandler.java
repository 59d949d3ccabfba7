package io.bpf4j.perf;

import java.lang.foreign.MemorySegment;

/**
 * Receives one record a program wrote with {@code bpf_perf_event_output}: the CPU it came from and
 * its bytes, a view valid only during the call (a copy when the record wrapped the ring's end).
 * The view is the kernel's raw sample, as libbpf's callback gets it: the bytes the program wrote,
 * then the kernel's padding to 8 bytes, which it skips rather than clears (a 48-byte write gives a
 * 52-byte view, a 40-byte one 44). A view kept longer than the call throws
 * {@link IllegalStateException} once the drain that delivered it has ended.
 */
@FunctionalInterface
public interface SampleHandler {
    /**
     * Handles one record.
     *
     * @param cpu the CPU whose ring the record came from
     * @param sample the sample, valid during the call
     */
    void accept(int cpu, MemorySegment sample);
}
