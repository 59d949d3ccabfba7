package io.bpf4j.perf;

import java.lang.foreign.MemorySegment;

/**
 * Receives one perf sample as a place in its CPU's ring: the sample's bytes are {@code length}
 * bytes of {@code ring} from {@code offset} (the raw sample with the kernel's padding, as
 * {@link SampleHandler} gets it; a sample that wrapped the ring's end comes copied into one piece,
 * in a segment of its own). The samples of a drain mostly come in the same segment, so nothing is
 * made per sample even when the JIT cannot inline the handler: the fastest way to read a stream. The
 * segment is valid only during the drain that delivered it: used later it throws
 * {@link IllegalStateException}. Read only the sample's bytes: the rest of the segment is other
 * records, or space the kernel owns.
 *
 * <pre>{@code
 * pb.consumeSpans((cpu, ring, offset, length) -> sum += ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset));
 * }</pre>
 */
@FunctionalInterface
public interface SampleSpanHandler {
    /**
     * Handles one sample.
     *
     * @param cpu the CPU whose ring the sample came from
     * @param ring the ring's data (or a copy of a sample that wrapped), valid during the drain
     * @param offset where the sample's bytes start in {@code ring}
     * @param length how many bytes the sample has, the kernel's padding included
     */
    void accept(int cpu, MemorySegment ring, long offset, int length);
}
