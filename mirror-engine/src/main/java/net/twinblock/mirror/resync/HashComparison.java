package net.twinblock.mirror.resync;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The secondary's half of a checksum scan, as the primary sees it: given the primary's hashes
 * of a run of regions, answers with the blocks that differ there (the blocks the secondary wants).
 * Across the link this is a request and its reply; {@link #local} is what the secondary runs
 * when the request arrives (and what in-process tests use directly).
 */
@FunctionalInterface
public interface HashComparison {

    CompletableFuture<List<DifferingBlocks>> compare(HashBatch primaryHashes);

    /** Hashes the same regions of {@code hasher}'s volume and compares. */
    static HashComparison local(BlockHasher hasher, ChecksumComparator comparator) {
        return primary -> {
            if (primary.algorithm() != hasher.algorithm()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("peer hashes with "
                        + primary.algorithm().configName() + ", this node with "
                        + hasher.algorithm().configName()));
            }
            return hasher.hash(primary.firstRegion(), primary.count())
                    .thenApply(mine -> comparator.differing(primary, mine));
        };
    }
}
