package io.bpf4j.ringbuf;

import java.lang.foreign.MemorySegment;

/**
 * Receives one ring-buffer record as a zero-copy view of the ring, valid only during the call:
 * copy what must outlive it. A view kept longer throws {@link IllegalStateException} once the drain
 * that delivered it has ended, rather than read space the kernel may already be writing again.
 *
 * <pre>{@code
 * rb.consume(rec -> seen.add(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));  // read during the call
 * rb.consume(rec -> copies.add(rec.toArray(ValueLayout.JAVA_BYTE)));         // or copy it out
 * }</pre>
 */
@FunctionalInterface
public interface RecordHandler {
    /**
     * Handles one record.
     *
     * @param record the record, valid during the call
     */
    void accept(MemorySegment record);
}
