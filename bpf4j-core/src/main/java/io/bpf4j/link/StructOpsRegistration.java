package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;

/**
 * A struct_ops map of a plain {@code SEC(".struct_ops")}, registered by writing its value at key
 * 0 (the kernel registers on that update, before BPF links existed for struct_ops). Closing this
 * unregisters it by deleting key 0, as libbpf's {@code bpf_link__detach_struct_ops} does; the map
 * itself stays open (its {@code BpfObject} owns it). Closed after the map's handle, it still
 * unregisters: the kernel holds a registered map (as after {@code bpftool struct_ops register}),
 * so it is opened again by id for the delete.
 *
 * <pre>{@code
 * try (Link cc = StructOps.register(obj, "legacy_reno")) { ... }   // unregistered here
 * }</pre>
 */
public final class StructOpsRegistration implements Link {
    private final BpfMap map;
    private final int mapId;
    private volatile boolean closed;

    StructOpsRegistration(BpfMap map) {
        this.map = map;
        this.mapId = map.info().id();
    }

    @Override
    public String description() {
        return "struct_ops map \"" + map.name() + "\" (registered by map update)";
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Unregisters (deletes key 0). Idempotent; works after the map's handle was closed too. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            try {
                map.delete(new byte[4]);
            } catch (IllegalStateException mapClosed) {
                // The handle is closed, but registering took a reference in the kernel: the map
                // and its registration live on until key 0 is deleted. Reopen it by id.
                try (BpfMap again = BpfMap.fromId(mapId)) {
                    again.delete(new byte[4]);
                }
            }
        } catch (BpfException e) {
            throw new BpfException("cannot unregister " + description() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "StructOpsRegistration[" + map.name() + (closed ? " closed" : "") + "]";
    }
}
