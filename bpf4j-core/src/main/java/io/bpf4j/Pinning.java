package io.bpf4j;

/** How a map from an object is pinned on load, as libbpf's {@code LIBBPF_PIN_*}. */
public enum Pinning {
    /** Not pinned. */
    NONE,
    /** Pinned by its name in the object's pin directory (default {@code /sys/fs/bpf}) and reused from there. */
    BY_NAME
}
