package io.bpf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code bpf4j run --metrics}: the object's maps on a Prometheus endpoint while it runs. */
class RunMetricsTest {
    @Test
    void runServesTheExecCounterOnAPrometheusEndpoint() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "kernel tests need root");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int[] code = {-1};
        Path obj = Path.of(System.getProperty("bpf4j.test.bpf.dir"), "cli_exec.bpf.o");
        Thread t = new Thread(
                () -> code[0] = cl.execute("run", obj.toString(), "--metrics", "127.0.0.1:0", "--duration", "5s"));
        t.start();
        Pattern url = Pattern.compile("\\{\"metrics\":\"(http://127\\.0\\.0\\.1:[0-9]+/metrics)\"}");
        String endpoint = null;
        for (int i = 0; i < 100 && endpoint == null; i++) {
            Matcher m = url.matcher(out.toString());
            endpoint = m.find() ? m.group(1) : null;
            Thread.sleep(50);
        }
        assertTrue(endpoint != null, "no metrics line in " + out + err);
        for (int i = 0; i < 2; i++) {
            new ProcessBuilder("/bin/true").start().waitFor();
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String body = http.send(
                        HttpRequest.newBuilder(URI.create(endpoint)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        // cli_count: an ARRAY of one __u64 counting every execve since the program was attached
        Matcher m = Pattern.compile("(?m)^cli_count\\{key=\"0\"} ([0-9.E]+)$").matcher(body);
        assertTrue(m.find(), body);
        assertTrue(Double.parseDouble(m.group(1)) >= 2, body);
        assertTrue(body.contains("cli_count_series 1"), body);
        t.join(30_000);
        assertEquals(0, code[0], err.toString());
    }
}
