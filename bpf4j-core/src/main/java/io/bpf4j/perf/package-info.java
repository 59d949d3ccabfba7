/**
 * Readers of perf event arrays (BPF_MAP_TYPE_PERF_EVENT_ARRAY): {@link io.bpf4j.perf.PerfBuffer}
 * maps one ring per CPU and hands samples to a callback, a decoding {@link io.bpf4j.codec.Codec},
 * a {@link io.bpf4j.perf.Subscription} thread or a stream; lost records are counted.
 */
package io.bpf4j.perf;
