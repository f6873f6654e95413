package net.twinblock.mirror.resync;

import java.time.Duration;

/**
 * How far a resync or scan has come, for status output and metrics.
 *
 * @param bytesPerSecond average since the start; 0 before anything was copied
 * @param eta time left at that average, or null while unknown (nothing copied yet)
 */
public record ResyncProgress(long regionsDone, long regionsTotal, long bytesDone, long bytesRemaining,
        double bytesPerSecond, Duration elapsed, Duration eta) {

    /** Computes rate and time left from counts and the time spent so far. */
    public static ResyncProgress of(long regionsDone, long regionsTotal, long bytesDone, long bytesRemaining,
            long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 && bytesDone > 0 ? bytesDone / seconds : 0;
        Duration eta = null;
        if (bytesRemaining == 0) {
            eta = Duration.ZERO;
        } else if (rate > 0) {
            eta = Duration.ofNanos((long) Math.min(Long.MAX_VALUE, bytesRemaining / rate * 1e9));
        }
        return new ResyncProgress(regionsDone, regionsTotal, bytesDone, bytesRemaining, rate,
                Duration.ofNanos(elapsedNanos), eta);
    }

    public double megabytesPerSecond() {
        return bytesPerSecond / (1024 * 1024);
    }

    /** 0.0 to 1.0; 1.0 when there was nothing to do. */
    public double fractionDone() {
        return regionsTotal == 0 ? 1.0 : (double) regionsDone / regionsTotal;
    }

    @Override
    public String toString() {
        return String.format("%d/%d regions (%.1f%%), %.1f MiB/s, %s left", regionsDone, regionsTotal,
                100 * fractionDone(), megabytesPerSecond(),
                eta == null ? "unknown time" : eta.toSeconds() + " s");
    }
}
