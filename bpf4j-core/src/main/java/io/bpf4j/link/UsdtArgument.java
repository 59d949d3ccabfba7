package io.bpf4j.link;

/**
 * Where one USDT argument lives at the probe, decoded from its x86-64 spec in the probe's note
 * ({@code -4@%edi}, {@code 8@-16(%rbp)}, {@code -2@$-30000}): its size in bytes (1, 2, 4 or 8),
 * whether it is signed (a negative size in the spec), and its location.
 *
 * <pre>{@code
 * for (UsdtArgument a : probe.parsedArguments()) {
 *     switch (a) {
 *         case UsdtArgument.Constant c -> System.out.println("constant " + c.value());
 *         case UsdtArgument.Register r -> System.out.println("register " + r.register());
 *         case UsdtArgument.Memory m -> System.out.println(m.offset() + "(" + m.register() + ")");
 *     }
 * }
 * }</pre>
 */
public sealed interface UsdtArgument {
    /** The argument's size in bytes: 1, 2, 4 or 8. */
    int size();

    /** Whether the value is sign-extended to 64 bits (else zero-extended). */
    boolean signed();

    /** The spec text this was decoded from, e.g. {@code -4@%edi}. */
    String spec();

    /** A constant: {@code -4@$5}. {@code value} is the immediate as written, before narrowing to {@link #size()}. */
    record Constant(int size, boolean signed, long value, String spec) implements UsdtArgument {}

    /** A register's contents: {@code -1@%dil}; {@code register} as written, without the '%'. */
    record Register(int size, boolean signed, String register, String spec) implements UsdtArgument {}

    /** Memory at a register plus an offset: {@code 8@-16(%rbp)}, {@code 4@(%rax)}. */
    record Memory(int size, boolean signed, String register, long offset, String spec) implements UsdtArgument {}

    /**
     * The argument's value as the probe sees it, from a 64-bit raw value (the constant, the register,
     * or the memory word): narrowed to {@link #size()} bytes and sign- or zero-extended, as
     * {@code bpf_usdt_arg()} does.
     */
    default long extend(long raw) {
        int shift = 64 - size() * 8;
        return signed() ? (raw << shift) >> shift : (raw << shift) >>> shift;
    }
}
