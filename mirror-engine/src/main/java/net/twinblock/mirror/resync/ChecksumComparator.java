package net.twinblock.mirror.resync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Compares the primary's hashes of a run of regions with the local ones and names the blocks
 * that differ, adjacent differing regions merged into one range. Counts what it saw.
 */
public final class ChecksumComparator {

    private final ScanGeometry geometry;
    private final LongAdder regionsCompared = new LongAdder();
    private final LongAdder blocksDiffering = new LongAdder();

    public ChecksumComparator(ScanGeometry geometry) {
        this.geometry = geometry;
    }

    /**
     * @throws IllegalArgumentException if the batches do not cover the same regions with the same
     *     algorithm (the nodes disagree on the scan, which must stop it)
     */
    public List<DifferingBlocks> differing(HashBatch primary, HashBatch local) {
        if (primary.algorithm() != local.algorithm() || primary.firstRegion() != local.firstRegion()
                || primary.count() != local.count()) {
            throw new IllegalArgumentException("cannot compare " + primary + " with " + local);
        }
        List<DifferingBlocks> ranges = new ArrayList<>();
        long runStart = -1;
        long runBlocks = 0;
        long differing = 0;
        for (int i = 0; i < primary.count(); i++) {
            long region = primary.firstRegion() + i;
            if (primary.sameHash(i, local)) {
                if (runStart >= 0) {
                    ranges.add(new DifferingBlocks(runStart, runBlocks));
                    runStart = -1;
                }
                continue;
            }
            int blocks = geometry.blocksIn(region);
            differing += blocks;
            if (runStart < 0) {
                runStart = geometry.firstBlock(region);
                runBlocks = 0;
            }
            runBlocks += blocks;
        }
        if (runStart >= 0) {
            ranges.add(new DifferingBlocks(runStart, runBlocks));
        }
        regionsCompared.add(primary.count());
        blocksDiffering.add(differing);
        return ranges;
    }

    public long regionsCompared() {
        return regionsCompared.sum();
    }

    public long blocksDiffering() {
        return blocksDiffering.sum();
    }
}
