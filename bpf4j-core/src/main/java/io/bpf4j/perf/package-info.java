/** Readers of perf event arrays (BPF_MAP_TYPE_PERF_EVENT_ARRAY). */
package io.bpf4j.perf;
