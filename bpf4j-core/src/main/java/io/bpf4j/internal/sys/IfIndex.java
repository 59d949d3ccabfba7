package io.bpf4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Network interface names to indexes, through libc's {@code if_nametoindex}. */
// Linker.downcallHandle (restricted) links libc's if_nametoindex, the class's one purpose.
@SuppressWarnings("restricted")
public final class IfIndex {
    private static final MethodHandle IF_NAMETOINDEX;

    static {
        Linker linker = Linker.nativeLinker();
        IF_NAMETOINDEX = linker.downcallHandle(
                linker.defaultLookup().find("if_nametoindex").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    private IfIndex() {}

    /** The index of interface {@code name} in the calling thread's network namespace; 0 when there is none. */
    public static int of(String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) IF_NAMETOINDEX.invokeExact(arena.allocateFrom(name));
        } catch (Throwable t) {
            throw Libc.linkageFailure(t);
        }
    }
}
