package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.RecordCodec;
import java.lang.invoke.MethodHandles;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The BTF types of a loaded object, by name: the codec of an event struct for a ring or perf
 * buffer (whose maps carry no type), dynamic or bound to a record.
 *
 * <pre>{@code
 * BtfCodec events = ObjectTypes.struct(obj, "exec_event");                 // StructValues
 * RecordCodec<Exec> typed = ObjectTypes.bind(obj, MethodHandles.lookup(), Exec.class, "exec_event");
 * }</pre>
 */
public final class ObjectTypes {
    private ObjectTypes() {}

    /**
     * The object's own BTF ({@link ObjectSpec#btf()}, data sections laid out); for an object
     * without its spec, the BTF the kernel holds, read back through one of its maps.
     *
     * @throws NoSuchElementException when none of the object's maps was created with BTF
     */
    public static Btf btf(BpfObject object) {
        Optional<Btf> own = object.spec().flatMap(ObjectSpec::btf);
        if (own.isPresent()) {
            return own.get();
        }
        for (BpfMap m : object.maps().values()) {
            MapInfo info = m.info();
            if (info.btfId() != 0) {
                return Btf.parse(io.bpf4j.internal.sys.BtfById.read(info.btfId()));
            }
        }
        throw new NoSuchElementException("object \"" + object.name() + "\" has no map with BTF to read its types from"
                + " (compiled without -g?)");
    }

    /** The dynamic codec of {@code struct name} of the object. */
    public static BtfCodec struct(BpfObject object, String name) {
        return BtfCodec.struct(btf(object), name);
    }

    /** A record bound to {@code struct name} of the object ({@link RecordCodec#bind}). */
    public static <R extends Record> RecordCodec<R> bind(
            BpfObject object, MethodHandles.Lookup lookup, Class<R> type, String struct) {
        return RecordCodec.bind(lookup, type, btf(object), struct);
    }
}
