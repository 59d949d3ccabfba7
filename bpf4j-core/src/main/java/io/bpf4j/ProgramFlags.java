package io.bpf4j;

/** BPF_F_* flags of program load ({@link ProgramSpec#flags()}), OR-ed together. */
public final class ProgramFlags {
    public static final int STRICT_ALIGNMENT = 1;
    public static final int ANY_ALIGNMENT = 1 << 1;
    public static final int TEST_RND_HI32 = 1 << 2;
    public static final int TEST_STATE_FREQ = 1 << 3;
    /** The program may sleep (the ".s" sections: uprobe.s, fentry.s, lsm.s, iter.s, ...). */
    public static final int SLEEPABLE = 1 << 4;

    public static final int XDP_HAS_FRAGS = 1 << 5;
    public static final int XDP_DEV_BOUND_ONLY = 1 << 6;
    public static final int TEST_REG_INVARIANTS = 1 << 7;

    private ProgramFlags() {}
}
