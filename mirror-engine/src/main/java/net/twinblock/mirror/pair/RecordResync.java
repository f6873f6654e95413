package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import net.twinblock.mirror.resync.BlockCopier;
import net.twinblock.mirror.resync.BlockHasher;
import net.twinblock.mirror.resync.HashComparison;
import net.twinblock.mirror.resync.ScanGeometry;

/**
 * Crash resync bounded by the predictive record (DESIGN sections 5 and 7): after a crash or a
 * power cut, the extents either node's record held are the only ones whose data may differ, so
 * only they are resynchronised from the primary to the secondary. Both nodes hash each piece and
 * only the blocks that differ are copied (after a power cut the copies may differ either way in
 * blocks no host flushed, but most of a recorded extent is identical). The copier reads and sends
 * under the host writes' range lock, like the full copy, so a copy never lands after a newer
 * write to the same range; copies become
 * durable with one FLUSH on the same link at the end, and only then is the pair in sync.
 */
final class RecordResync {

    private static final Logger LOG = System.getLogger(RecordResync.class.getName());
    static final int CHUNK = InitialCopy.CHUNK;

    /** Hashes pieces on both nodes and copies the blocks that differ. */
    record Comparison(BlockHasher hasher, HashComparison peer, BlockCopier copier) {
    }

    private final MirroredVolume volume;
    private final Channel link;
    private final Comparison comparison;
    private final List<long[]> pieces = new ArrayList<>();
    private final int extents;
    private int nextPiece;
    final AtomicLong done = new AtomicLong();
    /** Bytes of differing blocks sent to the secondary. */
    final AtomicLong copied = new AtomicLong();
    final long total;

    /**
     * @param ranges     {offset, length} byte ranges, possibly overlapping; clipped to the volume
     * @param comparison how each piece is hashed on both nodes and its differing blocks copied
     */
    RecordResync(MirroredVolume volume, Channel link, List<long[]> ranges, Comparison comparison) {
        this.volume = volume;
        this.link = link;
        this.comparison = java.util.Objects.requireNonNull(comparison, "comparison");
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
        LOG.log(Level.INFO, "crash resync: comparing {0} recorded extents ({1} bytes) with the secondary {2}",
                extents, total, link.remoteAddress());
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < InitialCopy.WINDOW; i++) {
            workers.add(copyNext());
        }
        return CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new))
                .thenCompose(v -> volume.replicator().copyFlush(link));
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
        return compare(offset, length).thenCompose(v -> {
            done.addAndGet(length);
            return copyNext();
        });
    }

    /** Hashes the regions under the piece on both nodes; the copier takes the range lock itself. */
    private CompletableFuture<Void> compare(long offset, int length) {
        ScanGeometry g = comparison.hasher().geometry();
        long first = offset / g.regionBytes();
        long last = (offset + length - 1) / g.regionBytes();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        int max = comparison.hasher().maxRegionsPerCall();
        for (long r = first; r <= last; r += max) {
            long from = r;
            int count = (int) Math.min(max, last - r + 1);
            chain = chain.thenCompose(v -> comparison.hasher().hash(from, count))
                    .thenCompose(comparison.peer()::compare)
                    .thenCompose(comparison.copier()::copy)
                    .thenAccept(blocks -> copied.addAndGet(blocks * g.blockSize()));
        }
        return chain;
    }
}
