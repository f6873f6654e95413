package net.twinblock.mirror.point;

import java.util.List;
import net.twinblock.mirror.link.BlockReference;

/**
 * What one consistency point must bring to the secondary's volume: {@code references}, sorted by
 * block, for blocks wholly written by journaled transfers (each naming the newest such transfer),
 * and {@code wholeBlocks}, sorted, for blocks only partly written, whose current data the primary
 * reads and sends. {@code hostBytes} is what the hosts wrote (and discarded) between the points.
 */
public record Manifest(int blockSize, List<BlockReference> references, long[] wholeBlocks, long hostBytes) {

    public Manifest {
        references = List.copyOf(references);
    }

    /** Blocks the secondary applies from its journal. */
    public long blocksByReference() {
        long n = 0;
        for (BlockReference r : references) {
            n += r.count();
        }
        return n;
    }

    public boolean isEmpty() {
        return references.isEmpty() && wholeBlocks.length == 0;
    }
}
