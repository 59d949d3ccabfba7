package io.bpf4j;

/**
 * An {@code extern} an object needs resolved at load: a {@code .kconfig} value of the running
 * kernel's configuration, or a {@code __ksym} kernel symbol (kfunc or variable).
 *
 * <pre>{@code
 * for (ExternSpec e : spec.externs()) {
 *     switch (e) {
 *         case KconfigExtern k -> System.out.println("kconfig " + k.name() + " " + k.kind());
 *         case KsymExtern k -> System.out.println("ksym " + k.name() + " " + k.kind());
 *     }
 * }
 * }</pre>
 */
public sealed interface ExternSpec permits KconfigExtern, KsymExtern {
    /** The extern's name. */
    String name();

    /** Declared {@code __weak}: a missing value or symbol reads as zero instead of failing the load. */
    boolean weak();
}
