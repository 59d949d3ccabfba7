package io.bpf4j.observability;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A Prometheus endpoint ({@code /metrics}) serving BPF maps, on the Prometheus client's HTTP
 * server: one {@link BpfMapCollector} per {@link MapMetric}, read when scraped.
 *
 * <pre>{@code
 * try (MetricsServer server = MetricsServer.start("127.0.0.1", 9400, List.of(execs, latency))) {
 *     System.out.println("scrape http://127.0.0.1:" + server.port() + "/metrics");
 *     ...
 * }
 * }</pre>
 */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;
    private final PrometheusRegistry registry;

    private MetricsServer(HTTPServer server, PrometheusRegistry registry) {
        this.server = server;
        this.registry = registry;
    }

    /**
     * Serves {@code metrics} on {@code host:port} (port 0: any free port, see {@link #port()}).
     *
     * @throws UncheckedIOException when the address cannot be bound (in use, not local), naming it
     */
    public static MetricsServer start(String host, int port, List<MapMetric> metrics) {
        PrometheusRegistry registry = new PrometheusRegistry();
        for (MapMetric m : metrics) {
            registry.register(new BpfMapCollector(m));
        }
        try {
            return new MetricsServer(
                    HTTPServer.builder()
                            .hostname(host)
                            .port(port)
                            .registry(registry)
                            .buildAndStart(),
                    registry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Serves {@code metrics} on {@code hostPort}: {@code HOST:PORT}, {@code [IPv6]:PORT} or
     * {@code :PORT} (loopback).
     *
     * @throws IllegalArgumentException when {@code hostPort} is not of that form
     */
    public static MetricsServer start(String hostPort, List<MapMetric> metrics) {
        int colon = hostPort.lastIndexOf(':');
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(
                    "metrics address \"" + hostPort + "\" is not HOST:PORT (e.g. 127.0.0.1:9400)");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return start(host.isEmpty() ? "127.0.0.1" : host, port, metrics);
    }

    /** The port served (the one chosen when 0 was asked). */
    public int port() {
        return server.getPort();
    }

    /** The registry served: register more collectors on it. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.close();
    }
}
