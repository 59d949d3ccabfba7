package io.bpf4j.ringbuf;

import java.lang.foreign.MemorySegment;

/**
 * Receives one ring-buffer record as a place in the ring: the record's bytes are {@code length}
 * bytes of {@code ring} from {@code offset}. Every record of a drain comes in the same segment, so
 * nothing is made per record even when the JIT cannot inline the handler (a consumer with many
 * handlers): the fastest way to read a stream. The segment is valid only during the drain that
 * delivered it: used later it throws {@link IllegalStateException}, rather than read space the kernel
 * may already be writing again. Read only the record's bytes: the rest of the segment is other
 * records, or space the kernel owns.
 *
 * <pre>{@code
 * rb.consumeSpans((ring, offset, length) -> sum += ring.get(ValueLayout.JAVA_LONG_UNALIGNED, offset));
 * rb.consumeSpans((ring, offset, length) -> copies.add(ring.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE)));
 * }</pre>
 */
@FunctionalInterface
public interface SpanHandler {
    /**
     * Handles one record.
     *
     * @param ring the ring's data, valid during the drain
     * @param offset where the record's bytes start in {@code ring}
     * @param length how many bytes the record has (as the program reserved or output them)
     */
    void accept(MemorySegment ring, long offset, int length);
}
