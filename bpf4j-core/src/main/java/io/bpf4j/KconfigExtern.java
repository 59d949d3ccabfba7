package io.bpf4j;

import java.util.Objects;

/**
 * One {@code extern} variable of an object's {@code .kconfig} section: the name and the C type
 * the BPF program declared, which decide how {@link Kconfig} encodes the kernel's value.
 *
 * <pre>{@code
 * // extern int CONFIG_HZ __kconfig;
 * var hz = new KconfigExtern("CONFIG_HZ", KconfigExtern.Kind.INT, 4, true, false);
 * byte[] value = Kconfig.running().encode(hz);
 * }</pre>
 *
 * @param name the variable name, e.g. {@code CONFIG_BPF_SYSCALL} or {@code LINUX_KERNEL_VERSION}
 * @param kind how the C type reads a Kconfig value
 * @param size the variable's size in bytes (for {@link Kind#STRING}, the array length)
 * @param signed for {@link Kind#INT}: whether the C type is signed
 * @param weak declared {@code __weak}: a missing value reads as zero instead of failing the load
 */
public record KconfigExtern(String name, Kind kind, int size, boolean signed, boolean weak) implements ExternSpec {

    /** The C types libbpf allows for a Kconfig extern. */
    public enum Kind {
        /** {@code bool}: {@code y} is 1, {@code n} is 0; {@code m} is an error. */
        BOOL,
        /** {@code enum libbpf_tristate}: {@code n} 0, {@code y} 1, {@code m} 2. */
        TRISTATE,
        /** {@code char}: the letter {@code y}, {@code m} or {@code n} itself. */
        CHAR,
        /** An integer of 1, 2, 4 or 8 bytes: a decimal or {@code 0x} hex value. */
        INT,
        /** {@code char[N]}: a quoted string, NUL-terminated, cut to fit. */
        STRING
    }

    /** Checks the size fits the kind. */
    public KconfigExtern {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        boolean ok =
                switch (kind) {
                    case BOOL, CHAR -> size == 1;
                    case TRISTATE -> size == 4;
                    case INT -> size == 1 || size == 2 || size == 4 || size == 8;
                    case STRING -> size > 0;
                };
        if (!ok) {
            throw new IllegalArgumentException("kconfig extern " + name + ": size " + size + " does not fit " + kind);
        }
    }
}
