package io.bpf4j.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfObject;
import io.bpf4j.ObjectSpec;
import io.bpf4j.codec.StructValue;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The endpoint scraped by a real Prometheus server (Debian's package): the test starts
 * /usr/bin/prometheus on a free loopback port with a temp config scraping our endpoint every
 * second, then reads the series back through its HTTP query API and checks them against the map.
 */
class PrometheusServerTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void privileged() {
        TestKernel.assumePrivileged();
        TestKernel.assumeFeature(
                Files.isExecutable(PROMETHEUS),
                "the Prometheus server",
                PROMETHEUS + " is absent (apt-get install prometheus; scripts/setup.sh installs it)");
    }

    @Test
    void prometheusScrapesTheExecCountsTheKernelKept() throws Exception {
        try (BpfObject obj = ObjectSpec.read(TestKernel.bpfObject("obs_exec")).load();
                TestKernel.Exe exe = new TestKernel.Exe()) {
            obj.attachAll();
            List<Long> pids = exe.run(3);
            MapMetric execs = MapMetric.counter(obj.map("obs_execs")).build();
            MapMetric comm =
                    MapMetric.counter(obj.map("obs_comm")).keyTag("comm").build();
            MapMetric hist = MapMetric.log2Histogram(obj.map("obs_pid_hist"))
                    .keyTag("comm")
                    .build();
            try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, List.of(execs, comm, hist));
                    Prom prom = Prom.start(server.port())) {
                // the map, read through the typed layer: (pid -> count) of our comm
                Map<String, String> expected = new TreeMap<>();
                for (var e : obj.map("obs_execs").typed().entries(64)) {
                    StructValue k = (StructValue) e.getKey();
                    if (k.getString("comm").equals(exe.comm)) {
                        expected.put(
                                Long.toString(k.getLong("pid")), e.getValue().toString());
                    }
                }
                assertEquals(3, expected.size(), expected.toString());
                for (long pid : pids) {
                    assertEquals("1", expected.get(Long.toString(pid)));
                }
                Map<String, String> seen = prom.awaitSeries("obs_execs_total{comm=\"" + exe.comm + "\"}", "pid", 3);
                assertEquals(expected, seen);
                assertEquals(
                        Map.of(exe.comm, "3"),
                        prom.awaitSeries("obs_comm_execs_total{comm=\"" + exe.comm + "\"}", "comm", 1));
                long sum = pids.stream().mapToLong(Long::longValue).sum();
                assertEquals(
                        Map.of(exe.comm, Long.toString(sum)),
                        prom.awaitSeries("obs_comm_pid_sum_total{comm=\"" + exe.comm + "\"}", "comm", 1));
                assertEquals(
                        Map.of(exe.comm, "3"),
                        prom.awaitSeries("obs_pid_hist_bucket{comm=\"" + exe.comm + "\",le=\"+Inf\"}", "comm", 1));
                // the median pid's slot, as Prometheus computes it from our buckets, is a slot bound
                Map<String, String> median = prom.awaitSeries(
                        "histogram_quantile(1, obs_pid_hist_bucket{comm=\"" + exe.comm + "\"})", "comm", 1);
                double top = Double.parseDouble(median.get(exe.comm));
                long maxPid = pids.stream().mapToLong(Long::longValue).max().orElseThrow();
                assertTrue(top >= maxPid / 2.0 && top <= 2.0 * maxPid, "quantile " + top + " for pids " + pids);
            }
        }
    }

    /** A Prometheus server in a temp dir, killed and deleted on close. */
    private record Prom(Process process, Path dir, int port) implements AutoCloseable {
        static Prom start(int target) throws IOException, InterruptedException {
            Path dir = Files.createTempDirectory("bpf4j-prometheus");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: bpf4j
                        scrape_interval: 1s
                        scrape_timeout: 1s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(target));
            Process p = new ProcessBuilder(
                            PROMETHEUS.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            Prom prom = new Prom(p, dir, port);
            try {
                prom.awaitReady();
            } catch (RuntimeException | Error e) {
                prom.close();
                throw e;
            }
            return prom;
        }

        private String get(String path) throws IOException, InterruptedException {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        }

        private void awaitReady() throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < end) {
                if (!process.isAlive()) {
                    throw new AssertionError("prometheus exited " + process.exitValue() + ":\n" + log());
                }
                try {
                    if (get("/-/ready").startsWith("200")) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            throw new AssertionError("prometheus not ready in 60 s:\n" + log());
        }

        /** Polls an instant query until it returns {@code n} series; their {@code label} → value. */
        Map<String, String> awaitSeries(String query, String label, int n) throws IOException, InterruptedException {
            String q = "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String last = "";
            while (System.nanoTime() < end) {
                last = get(q);
                Map<String, String> series = parse(last, label);
                if (series.size() == n) {
                    return series;
                }
                Thread.sleep(500);
            }
            throw new AssertionError("query " + query + " did not give " + n + " series in 30 s; last answer " + last
                    + "\ntargets: " + get("/api/v1/targets") + "\n" + log());
        }

        private static final Pattern RESULT =
                Pattern.compile("\\{\"metric\":\\{([^}]*)\\},\"value\":\\[[0-9.]+,\"([^\"]*)\"\\]\\}");

        static Map<String, String> parse(String answer, String label) {
            Map<String, String> out = new HashMap<>();
            Matcher m = RESULT.matcher(answer);
            Pattern l = Pattern.compile("\"" + label + "\":\"([^\"]*)\"");
            while (m.find()) {
                Matcher lm = l.matcher(m.group(1));
                out.put(lm.find() ? lm.group(1) : "", m.group(2));
            }
            return new TreeMap<>(out);
        }

        private String log() {
            try {
                String s = Files.readString(dir.resolve("prometheus.log"));
                return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        @Override
        public void close() throws IOException {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestKernel.deleteTree(dir);
        }
    }
}
