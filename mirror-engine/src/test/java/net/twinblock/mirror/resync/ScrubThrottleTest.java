package net.twinblock.mirror.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The busy/idle decision with a fake clock and a fake host-operation counter: arithmetic, not timing. */
class ScrubThrottleTest {

    private static final long MS = 1_000_000;
    private static final int BLOCK = 512;
    /** 256 one-block regions: the idle batch is 128 KiB, a busy batch 64 KiB (128 regions). */
    private static final ScanGeometry GEOMETRY = new ScanGeometry(1L << 30, BLOCK, 1);
    private static final int IDLE = 256;
    private static final int BUSY = ScrubThrottle.BUSY_BATCH_BYTES / BLOCK;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final AtomicLong hostOps = new AtomicLong();

    private ScrubThrottle throttle(long maxRate, long busyRate) {
        ScrubSettings s = ScrubSettings.defaults().withMaxRate(maxRate).withBusyRate(busyRate);
        return new ScrubThrottle(s, GEOMETRY, hostOps::get, now::get);
    }

    private void quiet(ScrubThrottle t) {
        now.addAndGet(ScrubThrottle.QUIET_NANOS);
        t.next(0, IDLE);
    }

    @Test
    void startsAsIfHostsWereBusySoTheFirstBatchIsSmall() {
        ScrubThrottle t = throttle(16 << 20, 2 << 20);
        ScanPacer.Pace first = t.next(0, IDLE);
        assertEquals(BUSY, first.regions());
        assertEquals(0, first.waitNanos(), "one busy batch is the burst");
        assertTrue(t.throttled());
    }

    @Test
    void anIdleVolumeGetsFullBatchesAtMaxRate() {
        ScrubThrottle t = throttle(16 << 20, 2 << 20);
        quiet(t);
        assertFalse(t.throttled());
        ScanPacer.Pace p = t.next(IDLE, IDLE);
        assertEquals(IDLE, p.regions());
        // The burst (one idle batch) went at the quiet() call; this one waits 128 KiB at 16 MiB/s.
        assertEquals(Math.round(128.0 * 1024 / (16 << 20) * 1e9), p.waitNanos(), 1);
    }

    @Test
    void anyHostOperationSlowsTheNextBatchToTheBusyRate() {
        ScrubThrottle t = throttle(16 << 20, 1 << 20);
        quiet(t);
        hostOps.incrementAndGet();
        ScanPacer.Pace p = t.next(IDLE, IDLE);
        assertTrue(t.throttled());
        assertEquals(BUSY, p.regions());
        assertEquals(0, p.waitNanos(), "first busy batch: the busy bucket's burst");
        p = t.next(IDLE + BUSY, IDLE);
        assertEquals(BUSY, p.regions());
        assertEquals(62_500 * 1000, p.waitNanos(), 1, "64 KiB at 1 MiB/s is 62.5 ms");
    }

    @Test
    void itStaysBusyUntilHostsHaveBeenQuietForTheWholeWindow() {
        ScrubThrottle t = throttle(16 << 20, 2 << 20);
        quiet(t);
        hostOps.incrementAndGet();
        t.next(0, IDLE);
        now.addAndGet(ScrubThrottle.QUIET_NANOS - 1);
        t.next(0, IDLE);
        assertTrue(t.throttled(), "no new operation, but the last one was less than the window ago");
        now.addAndGet(1);
        assertEquals(IDLE, t.next(0, IDLE).regions());
        assertFalse(t.throttled());
    }

    @Test
    void busyRateZeroPausesAndLooksAgainWhenTheWindowCouldHaveEnded() {
        ScrubThrottle t = throttle(16 << 20, 0);
        ScanPacer.Pace p = t.next(0, IDLE);
        assertEquals(0, p.regions(), "busy at the start: read nothing");
        assertEquals(ScrubThrottle.QUIET_NANOS, p.waitNanos());
        now.addAndGet(100 * MS);
        hostOps.incrementAndGet();
        p = t.next(0, IDLE);
        assertEquals(0, p.regions());
        assertEquals(ScrubThrottle.QUIET_NANOS, p.waitNanos(), "a new operation restarts the window");
        now.addAndGet(200 * MS);
        assertEquals(ScrubThrottle.QUIET_NANOS - 200 * MS, t.next(0, IDLE).waitNanos());
        now.addAndGet(ScrubThrottle.QUIET_NANOS);
        assertEquals(IDLE, t.next(0, IDLE).regions());
    }

    @Test
    void theBusyRateNeverExceedsMaxRateAndAnUnlimitedScrubStillSlowsDown() {
        ScrubThrottle capped = throttle(512 << 10, 2 << 20); // busy 2 MiB/s, max 512 KiB/s
        capped.next(0, IDLE);
        assertEquals(125 * MS, capped.next(BUSY, IDLE).waitNanos(), 1, "64 KiB at 512 KiB/s");

        ScrubThrottle unlimited = throttle(0, 2 << 20);
        unlimited.next(0, IDLE);
        assertEquals(Math.round(31.25 * MS), unlimited.next(BUSY, IDLE).waitNanos(), 1, "64 KiB at 2 MiB/s");
        quiet(unlimited);
        assertEquals(0, unlimited.next(0, IDLE).waitNanos(), "idle and max-rate 0: no limit");
    }

    @Test
    void aBusyBatchNeverCoversMoreThanIsLeftOrLessThanOneRegion() {
        ScrubThrottle t = throttle(16 << 20, 2 << 20);
        assertEquals(3, t.next(0, 3).regions());
        ScanGeometry huge = new ScanGeometry(1L << 30, 4096, 64); // 256 KiB regions, above the busy batch
        ScrubThrottle big = new ScrubThrottle(ScrubSettings.defaults(), huge, hostOps::get, now::get);
        assertEquals(1, big.next(0, 16).regions());
    }
}
