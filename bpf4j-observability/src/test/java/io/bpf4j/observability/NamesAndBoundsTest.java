package io.bpf4j.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdk.jfr.DataAmount;
import jdk.jfr.Timespan;
import org.junit.jupiter.api.Test;

/** The parts that need no kernel: slot bounds, units from names, addresses. */
class NamesAndBoundsTest {
    @Test
    void slotIHoldsValuesUpTo2PowIPlus1Minus1() {
        assertEquals(1.0, MapMetric.slotUpperBound(0)); // 0 and 1
        assertEquals(3.0, MapMetric.slotUpperBound(1)); // 2..3
        assertEquals(7.0, MapMetric.slotUpperBound(2)); // 4..7
        assertEquals(1023.0, MapMetric.slotUpperBound(9));
        assertEquals(Math.scalb(1.0, 64), MapMetric.slotUpperBound(63));
        assertEquals("1", BpfMapMeters.leText(0));
        assertEquals("4294967295", BpfMapMeters.leText(31));
    }

    @Test
    void countsSumAndMaxOfSlots() {
        long[] slots = {1, 0, 2, 0}; // one value in {0,1}, two in 4..7
        assertEquals(3, Log2.count(slots));
        assertEquals(0.5 + 2 * 5.5, Log2.estimatedSum(slots));
        assertEquals(7.0, Log2.max(slots));
        assertEquals(0.0, Log2.max(new long[4]));
    }

    @Test
    void unitsComeFromMemberNames() {
        assertEquals(
                Timespan.NANOSECONDS, BpfEvents.unit("delta_ns").orElseThrow().getValue("value"));
        assertEquals(
                Timespan.NANOSECONDS, BpfEvents.unit("ts_nsec").orElseThrow().getValue("value"));
        assertEquals(
                Timespan.MICROSECONDS, BpfEvents.unit("lat_us").orElseThrow().getValue("value"));
        assertEquals(
                Timespan.MILLISECONDS,
                BpfEvents.unit("wait_msecs").orElseThrow().getValue("value"));
        assertEquals(DataAmount.BYTES, BpfEvents.unit("rx_bytes").orElseThrow().getValue("value"));
        assertTrue(BpfEvents.unit("pid").isEmpty());
        assertTrue(BpfEvents.unit("comm").isEmpty());
        assertTrue(BpfEvents.unit("dns").isEmpty(), "only a _ns suffix is nanoseconds");
    }

    @Test
    void aMetricsAddressNotHostColonPortIsRefusedNamingIt() {
        for (String bad : List.of("localhost", "127.0.0.1:", "127.0.0.1:99999", "host:port")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> MetricsServer.start(bad, List.of()));
            assertTrue(
                    e.getMessage().contains("\"" + bad + "\"") && e.getMessage().contains("HOST:PORT"), e.getMessage());
        }
    }

    @Test
    void aServerOnAnyLoopbackPortServesAndStops() throws Exception {
        try (MetricsServer s = MetricsServer.start("127.0.0.1:0", List.of())) {
            assertTrue(s.port() > 0);
            var c = java.net.http.HttpClient.newHttpClient();
            var r = c.send(
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + s.port() + "/metrics"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }
    }
}
