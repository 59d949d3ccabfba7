package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;

/**
 * A struct_ops map of a plain {@code SEC(".struct_ops")}, registered by writing its value at key
 * 0 (the kernel registers on that update, before BPF links existed for struct_ops). Closing this
 * unregisters it by deleting key 0, as libbpf's {@code bpf_link__detach_struct_ops} does; the map
 * itself stays open (its {@code BpfObject} owns it).
 *
 * <pre>{@code
 * try (Link cc = StructOps.register(obj, "legacy_reno")) { ... }   // unregistered here
 * }</pre>
 */
public final class StructOpsRegistration implements Link {
    private final BpfMap map;
    private volatile boolean closed;

    StructOpsRegistration(BpfMap map) {
        this.map = map;
    }

    @Override
    public String description() {
        return "struct_ops map \"" + map.name() + "\" (registered by map update)";
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Unregisters (deletes key 0). Idempotent; after the map was closed there is nothing left to unregister. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            map.delete(new byte[4]);
        } catch (IllegalStateException mapClosed) {
            // the map's fd is gone: the kernel dropped the registration's last user reference
        } catch (BpfException e) {
            throw new BpfException("cannot unregister " + description() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "StructOpsRegistration[" + map.name() + (closed ? " closed" : "") + "]";
    }
}
