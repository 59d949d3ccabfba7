package io.bpf4j.asm;

import java.util.Objects;

/**
 * What an instruction refers to by name, before a loader turns the name into a number: a map, a
 * place in a map's value (global data), a function of the same program, a kernel function, a
 * kernel variable. The assembler records these for {@code map[events]}, {@code call kfunc[...]}
 * and the like; a reader of an object file records them from its relocations.
 *
 * <pre>{@code
 * Listing l = Assembler.assemble("r1 = map[events] ll\n r0 = 0x0\n exit");
 * l.references().get(0);   // MapRef[name=events]
 * }</pre>
 */
public sealed interface Reference {

    /** The name referred to. */
    String name();

    /** {@code lddw dst, map}: the map's fd (or index), {@code r1 = map[events] ll}. */
    record MapRef(String name) implements Reference {
        /** Checks for null. */
        public MapRef {
            Objects.requireNonNull(name, "name");
        }
    }

    /** {@code lddw dst, &map_value[offset]}: {@code r1 = map[.data] + 0x8 ll}. */
    record MapValueRef(String name, int offset) implements Reference {
        /** Checks for null. */
        public MapValueRef {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A bpf-to-bpf call or a function's address ({@code lddw} with {@code BPF_PSEUDO_FUNC}). */
    record FunctionRef(String name) implements Reference {
        /** Checks for null. */
        public FunctionRef {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A call of a kernel function by BTF name: {@code call kfunc[bpf_task_acquire]}. */
    record KfuncRef(String name) implements Reference {
        /** Checks for null. */
        public KfuncRef {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The address of a kernel variable ({@code __ksym}): {@code r1 = ksym[bpf_prog_active] ll}. */
    record KsymRef(String name) implements Reference {
        /** Checks for null. */
        public KsymRef {
            Objects.requireNonNull(name, "name");
        }
    }
}
