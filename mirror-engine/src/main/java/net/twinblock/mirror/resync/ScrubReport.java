package net.twinblock.mirror.resync;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one scrub found.
 *
 * @param mismatches the first {@link #MAX_LISTED} mismatching ranges (all of them are counted)
 * @param complete false if the scrub was stopped before the end of the volume
 */
public record ScrubReport(Instant started, Duration took, long regionsScanned, long mismatchedBlocks,
        long repairedBlocks, List<DifferingBlocks> mismatches, boolean complete) {

    public static final int MAX_LISTED = 1000;

    public ScrubReport {
        mismatches = List.copyOf(mismatches);
    }
}
