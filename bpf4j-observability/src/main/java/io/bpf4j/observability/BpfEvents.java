package io.bpf4j.observability;

import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.StructValue;
import io.bpf4j.codec.U64;
import io.bpf4j.perf.SampleHandler;
import io.bpf4j.ringbuf.RecordHandler;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import jdk.jfr.AnnotationElement;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventFactory;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;
import jdk.jfr.Unsigned;
import jdk.jfr.ValueDescriptor;

/**
 * Decoded ring or perf buffer records as JDK Flight Recorder events: one event type per BTF
 * struct, made at run time with {@link EventFactory}, named {@code bpf4j.<struct>} in category
 * bpf4j/Kernel, with one field per member of the struct (nested members joined by {@code _}), so
 * {@code jfr print --events bpf4j.exec_event rec.jfr}, JDK Mission Control and
 * {@code RecordingStream} show kernel events beside the JVM's.
 *
 * <p>Field types follow the decoded values ({@link BtfCodec}): integers keep their width
 * (u64 as {@code long} marked {@code @Unsigned}, u32 as {@code long}), {@code char[]}, enums (by
 * name) and other arrays as strings. Units are inferred from member names: {@code *_ns},
 * {@code *_nsec(s)} → {@code @Timespan(NANOSECONDS)}, {@code *_us}/{@code *_usec(s)} →
 * microseconds, {@code *_ms}/{@code *_msec(s)} → milliseconds, {@code *_bytes}/{@code bytes} →
 * {@code @DataAmount(BYTES)}; others (pid, comm...) have none. A member named like one of JFR's
 * own fields (startTime, duration, eventThread, stackTrace) gets a trailing {@code _}.
 *
 * <p><b>Time</b>: JFR's API gives an event the time of its commit and offers no way to set
 * another, so the event's start time is when the record was drained. With
 * {@link Builder#kernelTime(String)} naming a {@code bpf_ktime_get_ns()} member (CLOCK_MONOTONIC
 * nanoseconds, as {@link System#nanoTime()} reads it on Linux), each event also gets
 * {@code kernelTime}, that instant as wall-clock time ({@code @Timestamp}, converted with the
 * offset between the two clocks measured when the type is made), and {@code kernelDelay}, how long
 * after the kernel event the commit came ({@code @Timespan}).
 *
 * <pre>{@code
 * BpfEvents events = BpfEvents.builder(ObjectTypes.struct(obj, "exec_event")).kernelTime("ts").build();
 * try (RingBuffer rb = RingBuffer.open(obj.map("events"))) {
 *     rb.poll(Duration.ofMillis(100), events.ringHandler());   // every record becomes an event
 * }
 * perfBuffer.poll(Duration.ofMillis(100), events.perfHandler()); // perf samples alike
 * fanout.subscribe(events.sink(), Throwable::printStackTrace);  // one subscriber of a RingFanout
 * }</pre>
 */
public final class BpfEvents {
    private static final Set<String> RESERVED = Set.of("startTime", "duration", "eventThread", "stackTrace");

    private final BtfCodec codec;
    private final EventFactory factory;
    private final EventType type;
    private final int members;
    private final Conv[] convs;
    private final String[] getPaths;
    private final int kernelIndex;
    private final long monoToEpochNanos;

    /** How a decoded member value becomes a JFR field value. */
    private enum Conv {
        SAME,
        U64_BITS,
        TEXT
    }

    private BpfEvents(Builder b) {
        this.codec = b.codec;
        StructValue zero = codec.decodeStruct(MemorySegment.ofArray(new byte[codec.size()]), 0);
        List<String> paths = new ArrayList<>();
        List<String> dotted = new ArrayList<>();
        List<Object> samples = new ArrayList<>();
        flatten(zero, "", "", paths, dotted, samples);
        this.getPaths = dotted.toArray(String[]::new);
        List<ValueDescriptor> fields = new ArrayList<>();
        List<Conv> convs = new ArrayList<>();
        int kernel = -1;
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            Object sample = samples.get(i);
            String name = RESERVED.contains(path) ? path + "_" : path;
            List<AnnotationElement> ann = new ArrayList<>();
            ann.add(new AnnotationElement(Label.class, path));
            Class<?> type;
            Conv conv = Conv.SAME;
            switch (sample) {
                case Byte x -> type = byte.class;
                case Short x -> type = short.class;
                case Integer x -> type = int.class;
                case Long x -> type = long.class;
                case U64 x -> {
                    type = long.class;
                    conv = Conv.U64_BITS;
                    ann.add(new AnnotationElement(Unsigned.class));
                }
                case Boolean x -> type = boolean.class;
                case Float x -> type = float.class;
                case Double x -> type = double.class;
                default -> {
                    type = String.class;
                    conv = sample instanceof String ? Conv.SAME : Conv.TEXT;
                }
            }
            if (type != String.class && type != boolean.class) {
                unit(path).ifPresent(ann::add);
            }
            if (path.equals(b.kernelTime)) {
                if (type != long.class) {
                    throw new IllegalArgumentException(codec.type().cName() + "." + path
                            + " is not a 64-bit integer: it cannot hold bpf_ktime_get_ns()");
                }
                kernel = i;
            }
            fields.add(new ValueDescriptor(type, name, ann));
            convs.add(conv);
        }
        if (b.kernelTime != null && kernel < 0) {
            throw new IllegalArgumentException(
                    codec.type().cName() + " has no member \"" + b.kernelTime + "\"; it has " + paths);
        }
        this.members = paths.size();
        this.kernelIndex = kernel;
        if (kernel >= 0) {
            fields.add(new ValueDescriptor(
                    long.class,
                    "kernelTime",
                    List.of(
                            new AnnotationElement(Label.class, "Kernel Time"),
                            new AnnotationElement(
                                    Description.class,
                                    "when the kernel stamped the record (" + paths.get(kernel)
                                            + ", CLOCK_MONOTONIC) as wall-clock time"),
                            new AnnotationElement(Timestamp.class, Timestamp.MILLISECONDS_SINCE_EPOCH))));
            fields.add(new ValueDescriptor(
                    long.class,
                    "kernelDelay",
                    List.of(
                            new AnnotationElement(Label.class, "Kernel Delay"),
                            new AnnotationElement(
                                    Description.class, "from the kernel's timestamp to this event's commit"),
                            new AnnotationElement(Timespan.class, Timespan.NANOSECONDS))));
        }
        this.convs = convs.toArray(Conv[]::new);
        // System.nanoTime() is CLOCK_MONOTONIC on Linux, the clock of bpf_ktime_get_ns().
        Instant now = Instant.now();
        long mono = System.nanoTime();
        this.monoToEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - mono;
        List<AnnotationElement> eventAnn = List.of(
                new AnnotationElement(Name.class, b.name),
                new AnnotationElement(Label.class, b.label),
                new AnnotationElement(Description.class, b.description),
                new AnnotationElement(Category.class, new String[] {"bpf4j", "Kernel"}),
                new AnnotationElement(StackTrace.class, false));
        this.factory = EventFactory.create(eventAnn, fields);
        this.type = factory.getEventType();
    }

    /** Events of struct {@code codec} (a struct codec), named {@code bpf4j.<struct name>}. */
    public static BpfEvents of(BtfCodec codec) {
        return builder(codec).build();
    }

    /** A builder of events of struct {@code codec}. */
    public static Builder builder(BtfCodec codec) {
        return new Builder(codec);
    }

    /** The JFR event type made for the struct. */
    public EventType eventType() {
        return factory.getEventType();
    }

    /** Whether a recording currently wants these events (when not, commits skip decoding). */
    public boolean isEnabled() {
        return factory.getEventType().isEnabled();
    }

    /** Commits one event of a decoded value of the struct. */
    public void commit(StructValue value) {
        if (type.isEnabled()) {
            Event e = factory.newEvent();
            fill(e, value);
            e.commit();
        }
    }

    /**
     * Decodes a record of exactly the struct's size at the start of {@code record} and commits it.
     *
     * @throws IllegalArgumentException when the record is shorter than the struct
     */
    public void commit(MemorySegment record) {
        if (type.isEnabled()) { // no recording wants it: neither decode nor allocate
            Event e = factory.newEvent();
            fill(e, codec.decodeStruct(record, 0));
            e.commit();
        }
    }

    /**
     * A consumer of decoded values of the struct (from this struct's {@link BtfCodec}), for
     * {@link io.bpf4j.ringbuf.RingFanout#subscribe} and the readers' {@code subscribe(codec, ...)}:
     * each value is committed as one event.
     *
     * <pre>{@code
     * fanout.subscribe(events.sink(), err -> log(err));   // a RingFanout<Object> of the same struct
     * }</pre>
     *
     * @throws ClassCastException (from the consumer) for a value that is not a {@link StructValue}
     */
    public java.util.function.Consumer<Object> sink() {
        return v -> commit((StructValue) v);
    }

    /**
     * A ring buffer handler committing each record ({@link io.bpf4j.ringbuf.RingBuffer#poll}); a
     * record whose size is not the struct's is an {@link IllegalArgumentException} naming both.
     */
    public RecordHandler ringHandler() {
        int size = codec.size();
        return rec -> {
            if (rec.byteSize() != size) {
                throw new IllegalArgumentException("ring record of " + rec.byteSize() + " bytes, "
                        + codec.type().cName() + " is " + size);
            }
            commit(rec);
        };
    }

    /**
     * A perf buffer handler committing each sample ({@link io.bpf4j.perf.PerfBuffer#poll}); the
     * kernel pads samples to 8 bytes, so a sample may be up to 7 bytes longer than the struct.
     */
    public SampleHandler perfHandler() {
        int size = codec.size();
        return (cpu, rec) -> {
            if (rec.byteSize() < size || rec.byteSize() > size + 7) {
                throw new IllegalArgumentException("perf sample of " + rec.byteSize() + " bytes on CPU " + cpu + ", "
                        + codec.type().cName() + " is " + size);
            }
            commit(rec);
        };
    }

    private void fill(Event e, StructValue value) {
        long kernel = 0;
        for (int i = 0; i < members; i++) {
            // by name: a top-level member's path is the whole string, which get() takes without copying
            Object v = value.get(getPaths[i]);
            if (i == kernelIndex) {
                kernel = ((Number) v).longValue();
            }
            e.set(
                    i,
                    switch (convs[i]) {
                        case SAME -> v;
                        case U64_BITS -> ((U64) v).longValue();
                        case TEXT -> KeyTags.text(v);
                    });
        }
        if (kernelIndex >= 0) {
            e.set(members, Math.floorDiv(kernel + monoToEpochNanos, 1_000_000L));
            e.set(members + 1, System.nanoTime() - kernel);
        }
    }

    /** The leaves of a struct value: their names joined by _ (fields) and by . (for get), and values. */
    private static void flatten(
            Object value, String path, String dotted, List<String> paths, List<String> dots, List<Object> values) {
        if (value instanceof StructValue sv) {
            // names() lists anonymous members' members in their place, as get() reaches them
            for (String name : sv.names()) {
                flatten(sv.get(name), join(path, name, "_"), join(dotted, name, "."), paths, dots, values);
            }
            return;
        }
        paths.add(path);
        dots.add(dotted);
        values.add(value);
    }

    private static String join(String path, String name, String sep) {
        return path.isEmpty() ? name : path + sep + name;
    }

    /** The unit a member's name implies, if any. */
    static Optional<AnnotationElement> unit(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith("_ns") || n.endsWith("_nsec") || n.endsWith("_nsecs")) {
            return Optional.of(new AnnotationElement(Timespan.class, Timespan.NANOSECONDS));
        }
        if (n.endsWith("_us") || n.endsWith("_usec") || n.endsWith("_usecs")) {
            return Optional.of(new AnnotationElement(Timespan.class, Timespan.MICROSECONDS));
        }
        if (n.endsWith("_ms") || n.endsWith("_msec") || n.endsWith("_msecs")) {
            return Optional.of(new AnnotationElement(Timespan.class, Timespan.MILLISECONDS));
        }
        if (n.equals("bytes") || n.endsWith("_bytes")) {
            return Optional.of(new AnnotationElement(DataAmount.class, DataAmount.BYTES));
        }
        return Optional.empty();
    }

    /** Builds {@link BpfEvents}. */
    public static final class Builder {
        private final BtfCodec codec;
        private String name;
        private String label;
        private String description;
        private String kernelTime;

        Builder(BtfCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            String struct =
                    codec.type().name().isEmpty() ? "anonymous" : codec.type().name();
            this.name = "bpf4j." + struct;
            this.label = struct;
            this.description = "BPF records of " + codec.type().cName();
        }

        /** The event type's name (default {@code bpf4j.<struct>}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The event type's label (default: the struct's name). */
        public Builder label(String label) {
            this.label = Objects.requireNonNull(label, "label");
            return this;
        }

        /** The event type's description. */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        /**
         * The member holding {@code bpf_ktime_get_ns()}: adds {@code kernelTime} and
         * {@code kernelDelay} fields (see the class description).
         */
        public Builder kernelTime(String member) {
            this.kernelTime = Objects.requireNonNull(member, "member");
            return this;
        }

        /**
         * The event type (registered with JFR).
         *
         * @throws IllegalArgumentException when the codec is not a struct's, or the kernel time
         *         member is absent or not 64 bits
         */
        public BpfEvents build() {
            if (!(codec.decode(MemorySegment.ofArray(new byte[codec.size()]), 0) instanceof StructValue)) {
                throw new IllegalArgumentException(
                        codec.type().cName() + " is not a struct: JFR events are made of structs");
            }
            return new BpfEvents(this);
        }
    }
}
