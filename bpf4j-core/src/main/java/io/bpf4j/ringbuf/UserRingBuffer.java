package io.bpf4j.ringbuf;

import io.bpf4j.BpfMap;
import io.bpf4j.MapType;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Mappings;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * The producer side of a user ring buffer (BPF_MAP_TYPE_USER_RINGBUF): Java writes records that a
 * BPF program drains with {@code bpf_user_ringbuf_drain}. The consumer position is mapped
 * read-only, the producer position and data read-write (data twice, for records that wrap).
 * A record is reserved (marked busy), filled in place, then submitted or discarded; the kernel
 * sees it only after submit. One producer at a time: the methods are synchronized. A reserved
 * segment dies with the buffer: after {@link #close()} (or while it closes) writing to it throws
 * {@link IllegalStateException}, as does every method but close.
 *
 * <pre>{@code
 * try (UserRingBuffer urb = UserRingBuffer.open(obj.map("requests"))) {
 *     urb.write(Codecs.s64().toBytes(42L));
 * }
 * }</pre>
 */
public final class UserRingBuffer implements AutoCloseable {
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Fd fd;
    private final String name;
    private final Mappings mappings;
    private final MemorySegment consumer;
    private final MemorySegment producer;
    private final MemorySegment data;
    private final long size;
    private boolean closed;

    private UserRingBuffer(Fd fd, String name, long size) {
        this.fd = fd;
        this.name = name;
        this.size = size;
        this.mappings = new Mappings(this);
        RingMapping mapping;
        try {
            mapping = RingMapping.map(fd, size, true, mappings);
        } catch (RuntimeException e) {
            mappings.close();
            fd.close();
            throw e;
        }
        this.consumer = mapping.consumer();
        this.producer = mapping.producer();
        this.data = mapping.data();
    }

    /**
     * A producer for {@code map}, a USER_RINGBUF map (the producer holds its own reference to it).
     *
     * @param map a USER_RINGBUF map
     * @return the writer, which the caller closes
     */
    public static UserRingBuffer open(BpfMap map) {
        if (map.type() != MapType.USER_RINGBUF) {
            throw new IllegalArgumentException("map \"" + map.name() + "\" is " + map.type() + ", not a USER_RINGBUF");
        }
        return new UserRingBuffer(
                Fd.dupOf(map.fd(), "user ring buffer \"" + map.name() + "\""), map.name(), map.maxEntries());
    }

    /**
     * Reserves room for a record of {@code length} bytes; empty when the ring has no room now
     * (the BPF side has not drained enough).
     *
     * @param length the record's length in bytes
     * @return the reserved record, writable until submitted or discarded; empty when there is no room now
     * @throws IllegalArgumentException when a record of that size can never fit (the ring is
     *         left as it was)
     * @throws IllegalStateException when this buffer is closed
     */
    public synchronized Optional<MemorySegment> reserve(int length) {
        checkOpen();
        long total = ((long) length + HEADER + 7) & ~7L; // in long: near Integer.MAX_VALUE an int sum wraps
        if (length <= 0 || total > size) {
            throw new IllegalArgumentException("a record of " + length + " bytes does not fit user ring buffer \""
                    + name + "\" of " + size + " bytes");
        }
        long cons = (long) LONG.getAcquire(consumer, 0L);
        long prod = (long) LONG.get(producer, 0L);
        if (size - (prod - cons) < total) {
            return Optional.empty();
        }
        long at = prod & (size - 1);
        INT.set(data, at + 4, 0);
        INT.set(data, at, length | BUSY);
        LONG.setRelease(producer, 0L, prod + total);
        return Optional.of(data.asSlice(at + HEADER, length));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("user ring buffer \"" + name + "\" is closed");
        }
    }

    /**
     * Makes a reserved record visible to the BPF side.
     *
     * @param record a segment this buffer reserved and not yet submitted or discarded
     * @throws IllegalStateException when this buffer is closed, or the record was submitted or discarded already
     * @throws IllegalArgumentException when {@code record} was not reserved from this buffer
     */
    public synchronized void submit(MemorySegment record) {
        finish(record, 0);
    }

    /**
     * Gives a reserved record back: the BPF side skips it.
     *
     * @param record a segment this buffer reserved and not yet submitted or discarded
     * @throws IllegalStateException when this buffer is closed, or the record was submitted or discarded already
     * @throws IllegalArgumentException when {@code record} was not reserved from this buffer
     */
    public synchronized void discard(MemorySegment record) {
        finish(record, DISCARD);
    }

    private void finish(MemorySegment record, int flag) {
        checkOpen();
        long at = record.address() - HEADER - data.address();
        if (at < 0 || at >= size || (at & 7) != 0) {
            throw new IllegalArgumentException("the segment was not reserved from user ring buffer \"" + name + "\"");
        }
        int header = (int) INT.get(data, at);
        if ((header & ~(BUSY | DISCARD)) != record.byteSize()) {
            throw new IllegalArgumentException("the segment was not reserved from user ring buffer \"" + name
                    + "\" (its length " + record.byteSize() + " is not the reserved record's)");
        }
        if ((header & BUSY) == 0) {
            throw new IllegalStateException("record already submitted or discarded");
        }
        INT.setRelease(data, at, (header & ~BUSY) | flag);
    }

    /**
     * Reserves, copies and submits {@code bytes}; false when the ring has no room now.
     *
     * @param bytes the record's bytes
     * @return whether the record was written
     * @throws IllegalArgumentException when a record of that size can never fit
     * @throws IllegalStateException when this buffer is closed
     */
    public boolean write(byte[] bytes) {
        Optional<MemorySegment> r = reserve(bytes.length);
        if (r.isEmpty()) {
            return false;
        }
        MemorySegment.copy(bytes, 0, r.get(), ValueLayout.JAVA_BYTE, 0, bytes.length);
        submit(r.get());
        return true;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return whether it is closed
     */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Unmaps the rings and closes the producer's fd. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        mappings.close(); // a thread still writing a reserved segment now gets IllegalStateException
        fd.close();
    }
}
