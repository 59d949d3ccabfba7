package io.bpf4j.btf;

import io.bpf4j.internal.sys.BtfObjects;
import io.bpf4j.internal.sys.Fd;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A BTF blob loaded into the kernel (BPF_BTF_LOAD): what maps and programs name with
 * {@code btf_fd} so the kernel knows their key, value and function types. Closing it drops this
 * reference; maps and programs created with it hold their own.
 *
 * <pre>{@code
 * Btf types = spec.btf().orElseThrow();
 * try (BtfHandle handle = BtfHandle.load(types);
 *      BpfMap map = BpfMap.create(spec.maps().get("flows"), handle)) {
 *     ...
 * }
 * }</pre>
 */
public final class BtfHandle implements AutoCloseable {
    private final Fd fd;
    private final Optional<Btf> btf;

    private BtfHandle(Fd fd, Optional<Btf> btf) {
        this.fd = fd;
        this.btf = btf;
    }

    /**
     * Loads {@code btf} as it is.
     *
     * @throws io.bpf4j.BpfException with the kernel's BTF log when it refuses the blob
     */
    public static BtfHandle load(Btf btf) {
        return load(btf, Set.of());
    }

    /**
     * Loads {@code btf} with the features in {@code sanitize} rewritten away, for a kernel that
     * lacks them (type ids stay the same).
     *
     * @throws io.bpf4j.BpfException with the kernel's BTF log when it refuses the blob
     */
    public static BtfHandle load(Btf btf, Set<Sanitize> sanitize) {
        Objects.requireNonNull(btf, "btf");
        byte[] blob = BtfWriter.write(btf, sanitize);
        return new BtfHandle(BtfObjects.load(blob, "BTF " + btf), Optional.of(btf));
    }

    /**
     * Loads raw BTF bytes (a {@code .BTF} section, already fixed up for the kernel).
     *
     * @param what names the blob in errors, e.g. {@code "BTF of object execsnoop"}
     * @throws io.bpf4j.BpfException with the kernel's BTF log when it refuses the blob
     */
    public static BtfHandle loadRaw(byte[] blob, String what) {
        return new BtfHandle(BtfObjects.load(blob.clone(), what), Optional.empty());
    }

    /** The kernel fd; valid until {@link #close()}. */
    public int fd() {
        return fd.raw();
    }

    /** The types this handle was loaded from, when it was loaded from a {@link Btf}. */
    public Optional<Btf> btf() {
        return btf;
    }

    /** Closes the fd; idempotent. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "BtfHandle[" + fd.what() + "]";
    }
}
