package net.twinblock.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthReportTest {

    /** A primary of two LUNs in {@code state}, each with {@code counters}. */
    static PairSnapshot pair(String state, Map<String, Long> counters) {
        return new PairSnapshot("alpha", "primary", state, null, null, 1, "active_optimized", "suspend",
                List.of(new MirrorSnapshot(0, state, null, 0, 0, 1, "v0", counters, null, null, null),
                        new MirrorSnapshot(1, state, null, 0, 0, 1, "v1", counters, null, null, null)), null, null, null, null);
    }

    @Test
    void servingStandaloneAndInSyncPairAreHealthy() {
        assertEquals(200, HealthReport.of(new FakeNode("serving", null)).status());
        AdminReply r = HealthReport.of(new FakeNode("serving", pair("in_sync", Map.of())));
        assertEquals(200, r.status());
        assertTrue(r.body().contains("\"status\": \"serving\""), r.body());
    }

    @Test
    void degradedPrimaryStillServes() {
        assertEquals(200, HealthReport.of(new FakeNode("serving", pair("degraded", Map.of()))).status());
    }

    @Test
    void suspendedIoIs503WithTheReason() {
        AdminReply r = HealthReport.of(new FakeNode("serving", pair("suspended", Map.of())));
        assertEquals(503, r.status());
        assertTrue(r.body().contains("I/O suspended"), r.body());
    }

    @Test
    void stoppingNodeIs503() {
        AdminReply r = HealthReport.of(new FakeNode("stopping", null));
        assertEquals(503, r.status());
        assertTrue(r.body().contains("node is stopping"), r.body());
    }
}
