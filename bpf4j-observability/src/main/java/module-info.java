/**
 * bpf4j's observability bridges: BPF maps as Micrometer meters, a Prometheus endpoint and
 * OpenTelemetry instruments, and ring/perf buffer records as JDK Flight Recorder events. Each
 * integration's library is optional ({@code requires static}): bring the ones you use.
 */
// Micrometer, the Prometheus client and OpenTelemetry ship without module descriptors: requiring
// them as automatic modules is the only way to name them, and their types are in this module's
// public signatures (a MeterBinder, a MultiCollector...), hence transitive.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.bpf4j.observability {
    requires transitive io.bpf4j;
    requires transitive jdk.jfr;
    requires static transitive micrometer.core;
    requires static transitive io.prometheus.metrics.model;
    requires static io.prometheus.metrics.exporter.httpserver;
    requires static transitive io.opentelemetry.api;

    exports io.bpf4j.observability;
}
