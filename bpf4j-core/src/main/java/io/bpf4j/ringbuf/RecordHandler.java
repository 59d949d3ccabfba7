package io.bpf4j.ringbuf;

import java.lang.foreign.MemorySegment;

/**
 * Receives one ring-buffer record as a zero-copy view of the ring, valid only during the call:
 * copy what must outlive it.
 */
@FunctionalInterface
public interface RecordHandler {
    /** Handles one record. */
    void accept(MemorySegment record);
}
