/**
 * bpf4j: load eBPF objects, attach their programs and drive their maps from Java, with every
 * kernel call made through {@code java.lang.foreign}.
 *
 * <p>Run with {@code --enable-native-access=io.bpf4j} on the module path (or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path), as root or with
 * CAP_BPF and CAP_PERFMON.
 */
module io.bpf4j {
    exports io.bpf4j;
    exports io.bpf4j.asm;
    exports io.bpf4j.btf;
    exports io.bpf4j.codec;
    exports io.bpf4j.features;
    exports io.bpf4j.link;
    exports io.bpf4j.perf;
    exports io.bpf4j.ringbuf;
}
