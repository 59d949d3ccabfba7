package io.bpf4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel objects a multi-step load has made so far. If the load fails, closing this releases
 * them all, newest first; once the load succeeds, {@link #commit()} hands them to their owner and
 * closing does nothing.
 *
 * <pre>{@code
 * try (Rollback made = new Rollback()) {
 *     BpfMap m = made.add(BpfMap.create(spec));
 *     Program p = made.add(Program.load(progSpec));
 *     made.commit();
 *     return new BpfObject(...);
 * }
 * }</pre>
 */
final class Rollback implements AutoCloseable {
    private final List<AutoCloseable> made = new ArrayList<>();
    private boolean committed;

    /** Records {@code resource} for release on failure and returns it. */
    <T extends AutoCloseable> T add(T resource) {
        made.add(resource);
        return resource;
    }

    /** The load succeeded: nothing will be released. */
    void commit() {
        committed = true;
    }

    /** Releases everything recorded, newest first, unless committed; never throws. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                made.get(i).close();
            } catch (Exception e) {
                // Keep releasing the rest: the load's own failure is what the caller must see.
            }
        }
        made.clear();
    }
}
