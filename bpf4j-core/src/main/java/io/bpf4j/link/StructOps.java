package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;
import io.bpf4j.BpfObject;
import io.bpf4j.MapFlags;
import io.bpf4j.MapType;
import io.bpf4j.UpdateFlag;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;
import java.util.Optional;

/**
 * A struct_ops map registered through a BPF link ({@code SEC(".struct_ops.link")}): the kernel
 * policy it implements (a TCP congestion control, a sched_ext scheduler, ...) is in use while the
 * link is open, and gone when it is closed. {@link #update(BpfMap)} swaps in another map of the
 * same struct type without a gap. Maps of a plain {@code SEC(".struct_ops")} are registered by
 * a map update instead, see {@link StructOpsRegistration}; {@link #register(BpfObject, String)}
 * picks the right one, as libbpf's {@code bpf_map__attach_struct_ops} does.
 *
 * <pre>{@code
 * try (BpfObject obj = ObjectSpec.read(path).load();
 *      Link cc = StructOps.register(obj, "my_reno")) {
 *     // "my_reno"'s name member is now in /proc/sys/net/ipv4/tcp_available_congestion_control
 * }
 * }</pre>
 */
public final class StructOps extends KernelLink {
    private final String map;

    private StructOps(Fd link, String map) {
        super(link, Optional.empty(), "struct_ops map \"" + map + "\"");
        this.map = map;
    }

    /**
     * Registers struct_ops map {@code map} of {@code object} with the value the loader laid out:
     * writes the value at key 0, then (for a {@code .struct_ops.link} map) creates the link. The
     * link is owned by the object as well (closing the object unregisters it).
     *
     * @throws java.util.NoSuchElementException when the object has no such struct_ops map
     * @throws BpfException when the kernel refuses (the verifier's objections to a callback, a
     *         name already registered (EEXIST), ...), in the kernel's words
     */
    public static Link register(BpfObject object, String map) {
        byte[] value = object.structOpsValue(map)
                .orElseThrow(() ->
                        new java.util.NoSuchElementException("object \"" + object.name() + "\" has no struct_ops map \""
                                + map + "\"; its struct_ops maps are " + object.structOpsMaps()));
        return object.own(register(object.map(map), value));
    }

    /**
     * Registers a struct_ops map with {@code value} (the kernel's {@code bpf_struct_ops_NAME}
     * layout, program fds in place): a {@link StructOps} link when the map was created with
     * {@link MapFlags#LINK}, else a {@link StructOpsRegistration} (the kernel registers on the
     * update itself). The caller owns the result.
     */
    public static Link register(BpfMap map, byte[] value) {
        if (map.type() != MapType.STRUCT_OPS) {
            throw new IllegalArgumentException(
                    "map \"" + map.name() + "\" is a " + map.type() + " map; only a STRUCT_OPS map registers");
        }
        byte[] key = new byte[4];
        try {
            map.update(key, value, UpdateFlag.ANY);
        } catch (BpfException e) {
            throw new BpfException("cannot register struct_ops map \"" + map.name() + "\": " + e.getMessage(), e);
        }
        if ((map.flags() & MapFlags.LINK) == 0) {
            return new StructOpsRegistration(map);
        }
        // The map fd goes where a program's would: the map_fd member of the union.
        long r = Links.create(map.fd(), 0, AttachType.STRUCT_OPS.value(), 0);
        String what = "struct_ops map \"" + map.name() + "\"";
        if (r < 0) {
            throw LinkErrors.refused(what, r, BpfCmd.LINK_CREATE, AttachType.STRUCT_OPS, "struct_ops links", "6.4");
        }
        return new StructOps(new Fd((int) r, "link " + what), map.name());
    }

    /** The name of the map this link registered first. */
    public String map() {
        return map;
    }

    /**
     * Replaces the registered map by {@code replacement} (BPF_LINK_UPDATE with its map fd), a
     * map of the same struct type created with {@link MapFlags#LINK} whose value is written
     * already (see {@link #prepare(BpfMap, byte[])}).
     */
    public void update(BpfMap replacement) {
        Fd link = linkFd();
        int raw = link.acquire();
        try {
            long r = Links.update(raw, replacement.fd(), 0, 0); // new_map_fd shares new_prog_fd's place
            if (r < 0) {
                throw Bpf.error(
                        "the kernel refused to update " + description() + " to map \"" + replacement.name() + "\""
                                + LinkErrors.hint((int) -r, "update"),
                        r,
                        BpfCmd.LINK_UPDATE,
                        description());
            }
        } finally {
            link.release();
        }
    }

    /** Writes {@code value} at key 0 of a {@link MapFlags#LINK} struct_ops map, so {@link #update} can take it. */
    public static void prepare(BpfMap map, byte[] value) {
        map.update(new byte[4], value, UpdateFlag.ANY);
    }
}
