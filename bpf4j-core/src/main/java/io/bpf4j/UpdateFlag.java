package io.bpf4j;

/**
 * How {@link BpfMap#update} treats an existing key: the kernel's BPF_ANY, BPF_NOEXIST, BPF_EXIST
 * and BPF_F_LOCK.
 */
public enum UpdateFlag {
    /** Create or replace. */
    ANY(0),
    /** Create only; {@link KeyExistsException} if the key is there. */
    NOEXIST(1),
    /** Replace only; {@link KeyNotFoundException} if the key is missing. */
    EXIST(2),
    /** Replace the value under its bpf_spin_lock (values that hold one). */
    LOCK(4);

    private final int value;

    UpdateFlag(int value) {
        this.value = value;
    }

    /** The kernel's flag value. */
    public int value() {
        return value;
    }
}
