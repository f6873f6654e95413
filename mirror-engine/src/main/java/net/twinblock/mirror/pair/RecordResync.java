package net.twinblock.mirror.pair;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crash resync bounded by the predictive record (DESIGN section 5): after a crash, the extents
 * either node's record held are the only ones whose data may differ, so only they are copied
 * from the primary to the secondary. Each piece is read and sent under the host writes' range
 * lock, like the full copy, so a copy never lands after a newer write to the same range.
 */
final class RecordResync {

    private static final Logger LOG = System.getLogger(RecordResync.class.getName());
    static final int CHUNK = InitialCopy.CHUNK;

    private final MirroredVolume volume;
    private final Channel link;
    private final List<long[]> pieces = new ArrayList<>();
    private final int extents;
    private int nextPiece;
    final AtomicLong done = new AtomicLong();
    final long total;

    /** @param ranges {offset, length} byte ranges, possibly overlapping; clipped to the volume */
    RecordResync(MirroredVolume volume, Channel link, List<long[]> ranges) {
        this.volume = volume;
        this.link = link;
        // Merge overlaps (both records usually list the same extents) so nothing is copied twice.
        TreeMap<Long, Long> merged = new TreeMap<>();
        for (long[] r : ranges) {
            long start = Math.max(0, r[0]);
            long end = Math.min(volume.size(), r[0] + r[1]);
            if (end > start) {
                merged.merge(start, end, Math::max);
            }
        }
        long total = 0;
        int count = 0;
        long runStart = -1;
        long runEnd = -1;
        for (var e : merged.entrySet()) {
            if (e.getKey() <= runEnd) {
                runEnd = Math.max(runEnd, e.getValue());
                continue;
            }
            if (runEnd > runStart) {
                total += split(runStart, runEnd);
                count++;
            }
            runStart = e.getKey();
            runEnd = e.getValue();
        }
        if (runEnd > runStart) {
            total += split(runStart, runEnd);
            count++;
        }
        this.total = total;
        this.extents = ranges.size();
    }

    private long split(long start, long end) {
        for (long o = start; o < end; o += CHUNK) {
            pieces.add(new long[] {o, Math.min(CHUNK, end - o)});
        }
        return end - start;
    }

    /** Extents named by the records (before merging). */
    int extents() {
        return extents;
    }

    CompletableFuture<Void> run() {
        LOG.log(Level.INFO, "crash resync: copying {0} recorded extents ({1} bytes) to the secondary {2}",
                extents, total, link.remoteAddress());
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < InitialCopy.WINDOW; i++) {
            workers.add(copyNext());
        }
        return CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> copyNext() {
        long[] piece;
        synchronized (this) {
            if (nextPiece == pieces.size()) {
                return CompletableFuture.completedFuture(null);
            }
            piece = pieces.get(nextPiece++);
        }
        if (!volume.replicator().linkedOn(link)) {
            return CompletableFuture.failedFuture(new IllegalStateException("mirror link lost"));
        }
        long offset = piece[0];
        int length = (int) piece[1];
        return volume.ranges().acquire(offset, length)
                .thenCompose(lease -> volume.local().read(offset, length, PooledByteBufAllocator.DEFAULT)
                        // Ownership of the buffer passes to the replicator, which releases it once acked.
                        .thenCompose(buf -> volume.replicator().write(offset, buf, false, true))
                        .whenComplete((ok, err) -> lease.close()))
                .thenCompose(v -> {
                    done.addAndGet(length);
                    return copyNext();
                });
    }
}
