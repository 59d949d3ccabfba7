package io.bpf4j.internal.sys;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link java.lang.ref.Cleaner} had to release because its owner was forgotten without
 * {@code close()}: an fd, a mapping, a legacy probe event. With the system property
 * {@code bpf4j.leakStacks=true} (the test suite sets it) each owner records the stack that made
 * it, and {@link #drain()} hands back every release with that stack, so a test can fail naming
 * the line that forgot to close. Without the property nothing is captured and releases are only
 * counted.
 */
public final class Leaks {
    /** On when the owners record their creation stacks. */
    public static final boolean TRACKING = Boolean.getBoolean("bpf4j.leakStacks");

    private static final List<String> RELEASED = new ArrayList<>();

    private Leaks() {}

    /** Where an owner is being made, when tracking is on; {@code null} otherwise. */
    public static Throwable creation(String what) {
        return TRACKING ? new Throwable(what + " created here") : null;
    }

    /** Called by a Cleaner action that released {@code what} (made at {@code where}, if tracked). */
    public static void released(String what, Throwable where) {
        String entry;
        if (where == null) {
            entry = what + " (run with -Dbpf4j.leakStacks=true to see where it was made)";
        } else {
            StringWriter s = new StringWriter();
            where.printStackTrace(new PrintWriter(s));
            entry = what + ", never closed; " + s;
        }
        synchronized (RELEASED) {
            RELEASED.add(entry);
        }
    }

    /** Every release since the last call, each with its creation stack when tracked. */
    public static List<String> drain() {
        synchronized (RELEASED) {
            List<String> out = List.copyOf(RELEASED);
            RELEASED.clear();
            return out;
        }
    }
}
