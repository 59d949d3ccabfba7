package io.bpf4j.perf;

import io.bpf4j.BpfMap;
import io.bpf4j.MapType;
import io.bpf4j.UpdateFlag;
import io.bpf4j.internal.sys.Cpus;
import io.bpf4j.internal.sys.Epoll;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Mmap;
import io.bpf4j.internal.sys.PerfEvents;
import io.bpf4j.internal.sys.PollGate;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A reader of a PERF_EVENT_ARRAY map: one perf event (PERF_COUNT_SW_BPF_OUTPUT) and one mmapped
 * ring per online CPU, stored in the map at the CPU's index so that
 * {@code bpf_perf_event_output(ctx, &map, BPF_F_CURRENT_CPU, ...)} reaches it, and epoll to wait.
 * Records are PERF_RECORD_SAMPLE (handed to a {@link SampleHandler}) and PERF_RECORD_LOST (counted
 * and handed to a {@link LostHandler}). A record that wraps the end of a ring is copied into one
 * piece. {@code data_head} is read with acquire and {@code data_tail} written with release, as the
 * perf ABI asks.
 *
 * <pre>{@code
 * try (PerfBuffer pb = PerfBuffer.open(obj.map("events"), 8, (cpu, n) -> System.err.println(n + " lost"))) {
 *     pb.poll(Duration.ofMillis(100), (cpu, rec) -> handle(rec));
 * }
 * }</pre>
 */
public final class PerfBuffer implements AutoCloseable {
    private static final int RECORD_LOST = 2;
    private static final int RECORD_SAMPLE = 9;
    private static final long DATA_HEAD = 1024;
    private static final long DATA_TAIL = 1032;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final BpfMap map;
    private final List<Ring> rings = new ArrayList<>();
    private final Epoll epoll;
    private final LostHandler lostHandler;
    private final PollGate gate;
    private final Arena scratch = Arena.ofAuto();
    private MemorySegment wrapBuffer;
    private long lost;
    private long processed;

    private record Ring(int cpu, Fd event, MemorySegment mapping, MemorySegment data) {
    }

    private PerfBuffer(BpfMap map, int pagesPerCpu, LostHandler lostHandler) {
        this.map = map;
        this.lostHandler = lostHandler;
        this.epoll = new Epoll(Math.max(1, Cpus.online().size()));
        this.wrapBuffer = scratch.allocate(4096, 8);
        this.gate = new PollGate(epoll, this::releaseRings);
    }

    /**
     * Opens a reader with {@code pagesPerCpu} data pages per CPU (a power of two).
     *
     * @throws IllegalArgumentException when the map is not a PERF_EVENT_ARRAY or the page count is
     *         not a power of two
     */
    public static PerfBuffer open(BpfMap map, int pagesPerCpu, LostHandler lostHandler) {
        if (map.type() != MapType.PERF_EVENT_ARRAY) {
            throw new IllegalArgumentException("map \"" + map.name() + "\" is " + map.type() + ", not a PERF_EVENT_ARRAY");
        }
        if (pagesPerCpu <= 0 || Integer.bitCount(pagesPerCpu) != 1) {
            throw new IllegalArgumentException("pages per CPU must be a power of two, got " + pagesPerCpu);
        }
        PerfBuffer pb = new PerfBuffer(map, pagesPerCpu, lostHandler);
        try {
            long page = Mmap.pageSize();
            for (int cpu : Cpus.online()) {
                if (cpu >= map.maxEntries()) {
                    continue; // the map has no slot for this CPU, as libbpf skips it
                }
                PerfEvents.Attr attr = new PerfEvents.Attr(PerfEvents.TYPE_SOFTWARE, PerfEvents.SW_BPF_OUTPUT, 0,
                        PerfEvents.SAMPLE_RAW, 0, 1, 0, 0);
                Fd ev = PerfEvents.open(attr, -1, cpu, "bpf output on cpu " + cpu);
                MemorySegment mapping;
                try {
                    mapping = Mmap.map(ev, page * (1 + pagesPerCpu), Mmap.PROT_READ | Mmap.PROT_WRITE, 0);
                } catch (RuntimeException e) {
                    ev.close();
                    throw e;
                }
                Ring ring = new Ring(cpu, ev, mapping, mapping.asSlice(page, page * pagesPerCpu));
                pb.rings.add(ring);
                pb.epoll.add(ev, pb.rings.size() - 1);
                map.update(intBytes(cpu), intBytes(ev.raw()), UpdateFlag.ANY);
                PerfEvents.enable(ev);
            }
            return pb;
        } catch (RuntimeException e) {
            pb.close();
            throw e;
        }
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** Reads every record available now on every CPU; returns how many samples. */
    public int consume(SampleHandler handler) {
        return gate.consume(() -> drainAll(handler));
    }

    /** Waits up to {@code timeout} for records on any CPU, then reads them; returns how many samples. */
    public int poll(Duration timeout, SampleHandler handler) {
        return gate.poll(timeout, false, () -> drainAll(handler));
    }

    private int drainAll(SampleHandler handler) {
        int n = 0;
        for (Ring r : rings) {
            n += drain(r, handler);
        }
        return n;
    }

    private int drain(Ring r, SampleHandler handler) {
        MemorySegment meta = r.mapping();
        MemorySegment data = r.data();
        long size = data.byteSize();
        long mask = size - 1;
        long head = (long) LONG.getAcquire(meta, DATA_HEAD);
        long tail = (long) LONG.get(meta, DATA_TAIL);
        int cpu = r.cpu();
        int n = 0;
        try {
            while (tail < head) {
                long at = tail & mask;
                // The 8-byte header never wraps (records are 8-byte aligned); the body may.
                // struct perf_event_header {u32 type; u16 misc; u16 size}, read as one word.
                long header = data.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
                int type = (int) header;
                int recSize = (int) (header >>> 48);
                if (recSize < 8) {
                    tail = head; // corrupt ring: skip what is there rather than loop
                    break;
                }
                tail += recSize;
                if (at + recSize > size) {
                    n += type == RECORD_SAMPLE ? 1 : 0;
                    deliverWrapped(cpu, contiguous(data, at, recSize), type, recSize, handler);
                } else if (type == RECORD_SAMPLE) {
                    // The common case, kept apart from the wrapped one so the JIT sees one segment here.
                    int rawSize = data.get(ValueLayout.JAVA_INT_UNALIGNED, at + 8);
                    n++;
                    handler.accept(cpu, data.asSlice(at + 12, Math.min(rawSize, recSize - 12)));
                } else if (type == RECORD_LOST) {
                    lost(cpu, data.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 16));
                }
            }
        } finally {
            processed += n; // once per drain: a field store per record costs in the hot loop
            // One release store per drain: the kernel may reuse the space from here on.
            LONG.setRelease(meta, DATA_TAIL, tail);
        }
        return n;
    }

    /** A record that wrapped the ring's end, already copied into one piece. */
    private void deliverWrapped(int cpu, MemorySegment rec, int type, int recSize, SampleHandler handler) {
        if (type == RECORD_SAMPLE) {
            int rawSize = rec.get(ValueLayout.JAVA_INT_UNALIGNED, 8);
            handler.accept(cpu, rec.asSlice(12, Math.min(rawSize, recSize - 12)));
        } else if (type == RECORD_LOST) {
            lost(cpu, rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 16));
        }
    }

    private void lost(int cpu, long count) {
        lost += count;
        if (lostHandler != null) {
            lostHandler.lost(cpu, count);
        }
    }

    /** {@code len} bytes at {@code at} of the ring, copied into one piece when they wrap the end. */
    private MemorySegment contiguous(MemorySegment data, long at, int len) {
        long size = data.byteSize();
        if (at + len <= size) {
            return data.asSlice(at, len);
        }
        if (wrapBuffer.byteSize() < len) {
            wrapBuffer = scratch.allocate(Math.max(len, wrapBuffer.byteSize() * 2), 8);
        }
        long first = size - at;
        MemorySegment.copy(data, at, wrapBuffer, 0, first);
        MemorySegment.copy(data, 0, wrapBuffer, first, len - first);
        return wrapBuffer.asSlice(0, len);
    }

    /** Records lost so far, over all CPUs (the kernel's PERF_RECORD_LOST counts). */
    public long lost() {
        return lost;
    }

    /** Samples handed to handlers so far. */
    public long processed() {
        return processed;
    }

    /** The CPUs this reader has a ring for. */
    public List<Integer> cpus() {
        return rings.stream().map(Ring::cpu).toList();
    }

    /** Stops the reader (a blocked poll returns 0), then releases rings and events. Idempotent. */
    @Override
    public void close() {
        gate.close();
    }

    /** Frees the rings and events (the gate runs this once, with no consumer inside). */
    private void releaseRings() {
        for (Ring r : rings) {
            try {
                map.delete(intBytes(r.cpu()));
            } catch (RuntimeException ignored) {
                // the map may be closed already; its slots go with it
            }
            PerfEvents.disableQuietly(r.event());
            Mmap.unmap(r.mapping());
            r.event().close();
        }
    }
}
