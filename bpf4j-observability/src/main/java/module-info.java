/**
 * bpf4j's observability bridges: BPF maps as Micrometer meters, a Prometheus endpoint and
 * OpenTelemetry instruments, and ring/perf buffer records as JDK Flight Recorder events. Each
 * integration's library is optional ({@code requires static}): bring the ones you use.
 */
module io.bpf4j.observability {
    requires transitive io.bpf4j;
    requires jdk.jfr;
    requires static micrometer.core;
    requires static io.prometheus.metrics.model;
    requires static io.prometheus.metrics.exporter.httpserver;
    requires static io.opentelemetry.api;

    exports io.bpf4j.observability;
}
