package io.bpf4j.asm;

/** eBPF register numbers: R0 return value, R1–R5 arguments, R6–R9 callee-saved, R10 frame pointer. */
public final class Reg {
    public static final int R0 = 0;
    public static final int R1 = 1;
    public static final int R2 = 2;
    public static final int R3 = 3;
    public static final int R4 = 4;
    public static final int R5 = 5;
    public static final int R6 = 6;
    public static final int R7 = 7;
    public static final int R8 = 8;
    public static final int R9 = 9;
    /** Read-only frame pointer. */
    public static final int R10 = 10;
    /** Alias of {@link #R10}. */
    public static final int FP = 10;

    private Reg() {}
}
