package io.bpf4j;

import java.util.Objects;

/**
 * A {@code __ksym} extern of an object: a kernel function (kfunc) or variable resolved against
 * the kernel's BTF (or, untyped, its symbol table) at load.
 *
 * <pre>{@code
 * // extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
 * KsymExtern k = new KsymExtern("bpf_task_acquire", KsymExtern.Kind.FUNCTION, false);
 * }</pre>
 *
 * @param name the symbol's name
 * @param kind how it was declared
 * @param weak declared {@code __weak}: a missing symbol resolves to 0
 */
public record KsymExtern(String name, Kind kind, boolean weak) implements ExternSpec {
    /** How a {@code __ksym} extern was declared. */
    public enum Kind {
        /** {@code extern T f(...) __ksym;}: a kfunc. */
        FUNCTION,
        /** {@code extern const struct X v __ksym;}: a variable with a BTF type. */
        TYPED_VARIABLE,
        /** {@code extern const void v __ksym;}: an address from {@code /proc/kallsyms}. */
        UNTYPED
    }

    /** Checks for nulls. */
    public KsymExtern {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }
}
