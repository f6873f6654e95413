package net.twinblock.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CommandCountersTest {

    @Test
    void countsInFlightAndCompletedByStatus() {
        CommandCounters counters = new CommandCounters();
        counters.started();
        counters.started();
        assertEquals(2, counters.inFlight());
        assertEquals(0, counters.completed());

        counters.finished("good", 10_000);
        counters.finished("check_condition", 20_000);
        assertEquals(0, counters.inFlight());
        assertEquals(1, counters.completed("good"));
        assertEquals(1, counters.completed("check_condition"));
        assertEquals(0, counters.completed("busy"));
        assertEquals(2, counters.completed());
        assertEquals(2, counters.latency().cumulative()[LatencyHistogram.bounds().length]);
    }

    @Test
    void histogramBucketsAreCumulative() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(10_000);          // 10 µs: first bucket
        h.record(3_000_000);       // 3 ms: le=0.005
        h.record(60_000_000_000L); // a minute: only +Inf
        long[] c = h.cumulative();
        assertEquals(1, c[0]);
        assertEquals(2, c[6]);     // le=0.005
        assertEquals(2, c[c.length - 2]);
        assertEquals(3, c[c.length - 1]);
        assertEquals(60.00301, h.sumSeconds(), 1e-9);
    }
}
