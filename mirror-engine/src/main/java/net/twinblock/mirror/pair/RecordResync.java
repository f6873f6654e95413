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
import net.twinblock.mirror.resync.BlockCopier;
import net.twinblock.mirror.resync.BlockHasher;
import net.twinblock.mirror.resync.HashComparison;
import net.twinblock.mirror.resync.ScanGeometry;

/**
 * Crash resync bounded by the predictive record (DESIGN sections 5 and 7): after a crash or a
 * power cut, the extents either node's record held are the only ones whose data may differ, so
 * only they are resynchronised from the primary to the secondary. With a {@link Comparison} both
 * nodes hash each piece and only the blocks that differ are copied (after a power cut the copies
 * may differ either way in blocks no host flushed, but most of a recorded extent is identical);
 * without one every piece is copied. Copies are read and sent under the host writes' range lock,
 * like the full copy, so a copy never lands after a newer write to the same range; they become
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
    /** Bytes sent to the secondary: every piece without a comparison, only differing blocks with one. */
    final AtomicLong copied = new AtomicLong();
    final long total;

    /**
     * @param ranges     {offset, length} byte ranges, possibly overlapping; clipped to the volume
     * @param comparison compares before copying, or null to copy every byte of the ranges
     */
    RecordResync(MirroredVolume volume, Channel link, List<long[]> ranges, Comparison comparison) {
        this.volume = volume;
        this.link = link;
        this.comparison = comparison;
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
        LOG.log(Level.INFO, "crash resync: {0} {1} recorded extents ({2} bytes) to the secondary {3}",
                comparison != null ? "comparing" : "copying", extents, total, link.remoteAddress());
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
        CompletableFuture<Void> one = comparison != null ? compare(offset, length) : copy(offset, length);
        return one.thenCompose(v -> {
            done.addAndGet(length);
            return copyNext();
        });
    }

    private CompletableFuture<Void> copy(long offset, int length) {
        return volume.ranges().acquire(offset, length)
                .thenCompose(lease -> volume.local().read(offset, length, PooledByteBufAllocator.DEFAULT)
                        // Ownership of the buffer passes to the replicator, which releases it once acked.
                        .thenCompose(buf -> volume.replicator().copyWrite(link, offset, buf))
                        .whenComplete((ok, err) -> lease.close()))
                .thenRun(() -> copied.addAndGet(length));
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
