package io.bpf4j.ringbuf;

import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Mappings;
import io.bpf4j.internal.sys.Mmap;
import java.lang.foreign.MemorySegment;

/**
 * The kernel's ring buffer layout in our address space: the consumer position page at offset 0,
 * then the producer position page followed by the data pages mapped twice (so a record that wraps
 * the end reads as one piece). Who may write which part depends on the side: a RINGBUF reader
 * writes the consumer page, a USER_RINGBUF producer writes the producer page and the data. The
 * segments belong to the {@link Mappings} they were mapped into and die when it is closed.
 *
 * @param consumer the consumer position page
 * @param producer the producer position page and the double-mapped data
 * @param data the data, {@code 2 × size} bytes from the producer mapping's second page
 */
record RingMapping(MemorySegment consumer, MemorySegment producer, MemorySegment data) {
    /** Maps a ring of {@code size} data bytes into {@code into}; {@code userProducer} for the USER_RINGBUF side. */
    static RingMapping map(Fd fd, long size, boolean userProducer, Mappings into) {
        long page = Mmap.pageSize();
        int rw = Mmap.PROT_READ | Mmap.PROT_WRITE;
        MemorySegment cons = into.map(fd, page, userProducer ? Mmap.PROT_READ : rw, 0);
        MemorySegment prod = into.map(fd, page + 2 * size, userProducer ? rw : Mmap.PROT_READ, page);
        return new RingMapping(cons, prod, prod.asSlice(page));
    }
}
