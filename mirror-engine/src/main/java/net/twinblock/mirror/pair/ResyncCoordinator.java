package net.twinblock.mirror.pair;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.record.PairRecord;
import net.twinblock.mirror.resync.BlockCopier;
import net.twinblock.mirror.resync.BlockHasher;
import net.twinblock.mirror.resync.ChecksumResync;
import net.twinblock.mirror.resync.ChecksumScanner;
import net.twinblock.mirror.resync.CopyLock;
import net.twinblock.mirror.resync.HashComparison;
import net.twinblock.mirror.resync.OutageBitmap;
import net.twinblock.mirror.resync.RegionResync;
import net.twinblock.mirror.resync.RegionSink;
import net.twinblock.mirror.resync.ResyncProgress;
import net.twinblock.mirror.resync.ScanCursor;
import net.twinblock.mirror.resync.ScanGeometry;
import net.twinblock.mirror.resync.ScrubSettings;
import net.twinblock.mirror.resync.TokenBucket;
import net.twinblock.mirror.store.Failures;
import net.twinblock.mirror.store.VolumeException;

/**
 * The primary's resyncs of one volume: at each link it asks the {@link CopyPlanner} what the
 * secondary needs and runs it (a crash resync of the records' extents, a bitmap resync, a
 * checksum resync, or a full initial copy), and it runs an administrator's checksum resync. Each
 * copy goes over the one link it started on and orders against host writes with the write
 * path's range lock. Holds what status and metrics show of them.
 */
final class ResyncCoordinator {

    private static final Logger LOG = System.getLogger(ResyncCoordinator.class.getName());
    /**
     * How a bitmap resync copies: up to 256 KiB of adjacent marked regions per write (fewer frames
     * and syscalls on both nodes; larger gained nothing measurable on loopback), 8 such writes at
     * once (enough to fill the link, at most 2 MiB queued ahead of a host write), and no FUA: one
     * FLUSH of the secondary per 16 MiB copied makes them durable, instead of an fdatasync per region.
     */
    private static final RegionResync.Limits RESYNC_LIMITS = new RegionResync.Limits(8, 256 << 10, 16L << 20);
    /** Bytes a checksum resync or crash resync reads per copy. */
    private static final int COPY_CHUNK = 1 << 20;

    private final VolumeState volume;
    private final CopyPlanner planner;
    /** Scans hash on this thread: nice, so host commands go first. */
    private final ScheduledExecutorService scanThread;
    /** The checksum algorithm comes from scrub.* (resync.checksum). */
    private final Supplier<ScrubSettings> settings;
    /** resync.max-rate: read rate of a checksum resync in bytes per second, 0 for unlimited. */
    private volatile long rate;

    /** Completes when the last bitmap resync has ended (see {@link #resyncBitmap}). */
    private final AtomicReference<CompletableFuture<Void>> bitmapResyncEnded =
            new AtomicReference<>(CompletableFuture.completedFuture(null));
    private volatile InitialCopy copy;
    private volatile RegionResync resync;
    private volatile ChecksumResync checksum;
    /** Completes once the last checksum resync started has ended (its cursor saved). */
    private volatile CompletableFuture<Void> checksumEnded = CompletableFuture.completedFuture(null);

    // what metrics show
    final LongAdder recordResyncBytes = new LongAdder();
    final LongAdder recordResyncCopied = new LongAdder();
    /** Bitmap resyncs: what the last one had to copy and what all of them copied. */
    final LongAdder resyncBytesCopied = new LongAdder();
    final LongAdder resyncRegionsCopied = new LongAdder();
    volatile long lastResyncRegionsMarked;
    private volatile ResyncProgress lastResync;
    final LongAdder checksumBlocksDiffering = new LongAdder();
    final LongAdder checksumBlocksCopied = new LongAdder();
    final LongAdder checksumRegionsScanned = new LongAdder();
    volatile long lastChecksumStartRegion;

    ResyncCoordinator(VolumeState volume, ScheduledExecutorService scanThread, Supplier<ScrubSettings> settings) {
        this.volume = volume;
        this.planner = new CopyPlanner(volume);
        this.scanThread = scanThread;
        this.settings = settings;
    }

    /** resync.max-rate (0: unlimited); applies to checksum resyncs that start after the call. */
    void rate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("resync.max-rate must not be negative, not " + bytesPerSecond);
        }
        rate = bytesPerSecond;
    }

    /**
     * A secondary authenticated on {@code ch}: plans its copy under the replicator's link-up (the
     * lock that decides what a write does without a link) and starts it. {@code report} completes
     * with a crashed secondary's RECORD_REPORT; {@code hashes} asks the secondary for checksums.
     */
    void linkUp(Channel ch, PeerIdentity peer, byte[] peerGenerations, Replicator r, MirroredVolume mirrored,
            CompletableFuture<byte[]> report, PeerHashComparison hashes) {
        PairRecord record = volume.record;
        boolean peerRecovering = peer.recovering();
        boolean[] recordCopy = {false};
        CopyPlanner.Copy[] plan = {CopyPlanner.Copy.NONE};
        boolean needsCopy;
        try {
            needsCopy = r.linkUp(ch, () -> {
                plan[0] = planner.plan(peer, peerGenerations);
                if (plan[0] == CopyPlanner.Copy.PEER_CURRENT) {
                    return false; // this primary's copy is detached: nothing to copy, no crash resync
                }
                if (plan[0] == CopyPlanner.Copy.NONE && peerRecovering && record == PairRecord.NONE) {
                    plan[0] = CopyPlanner.Copy.FULL; // a crashed secondary's record means nothing to us: copy all
                }
                // Crash recovery: only the recorded extents may differ (predictive record).
                recordCopy[0] = plan[0] == CopyPlanner.Copy.NONE && (volume.recovering || peerRecovering);
                return plan[0] != CopyPlanner.Copy.NONE || recordCopy[0];
            });
        } catch (CopyPlanner.NoCurrentCopy e) {
            LOG.log(Level.ERROR, "ending the mirror link to {0}: {1}", ch.remoteAddress(), e.getMessage());
            ch.close();
            return;
        }
        if (plan[0] == CopyPlanner.Copy.PEER_CURRENT) {
            // Our record's extents need no copy: the only copy in use is the secondary's.
            volume.recovered(0, 0);
        } else if (recordCopy[0]) {
            recordResync(ch, mirrored, r, report, peerRecovering, hashes);
        } else if (needsCopy && plan[0] == CopyPlanner.Copy.BITMAP && peerRecovering) {
            // DESIGN section 8: a returning old primary that crashed resyncs from its own record
            // plus our outage bitmap: its recorded extents are marked, then the bitmap is copied.
            report.thenApply(record::rangesOf).whenComplete((ranges, err) -> {
                if (err != null) {
                    LOG.log(Level.WARNING, "no record report from the secondary {0}: {1}; ending the link",
                            ch.remoteAddress(), Failures.volumeError(err).getMessage());
                    ch.close();
                    return;
                }
                OutageBitmap b = volume.bitmap();
                for (long[] extent : ranges) {
                    b.markChanged(extent[0], extent[1]);
                }
                LOG.log(Level.INFO, "the secondary''s record adds {0} extents to the outage bitmap", ranges.size());
                resyncBitmap(r, mirrored, ch);
            });
        } else if (needsCopy && plan[0] == CopyPlanner.Copy.BITMAP) {
            resyncBitmap(r, mirrored, ch);
        } else if (needsCopy && peer.paired() && !peer.empty()) {
            // A secondary that held our data once: compare, and copy only what differs.
            resyncChecksum(r, mirrored, ch, hashes.regionsOf(volume.scanBlocksPerRegion()))
                    .thenRun(() -> recoveredIfInSync(r, ch)); // a full comparison covers every recorded extent too
        } else if (needsCopy) {
            InitialCopy c = new InitialCopy(mirrored, ch);
            copy = c;
            c.run().thenRun(() -> recoveredIfInSync(r, ch)); // a full copy covers every recorded extent too
        } else {
            LOG.log(Level.INFO, "secondary {0} is in sync: no copy needed", ch.remoteAddress());
        }
    }

    /** The link went: a checksum resync saves its cursor; the next link resumes there. */
    void linkDown() {
        ChecksumResync cr = checksum;
        if (cr != null) {
            cr.stop();
        }
    }

    /** The node closes: a running checksum resync saves its cursor (only this process may resume it). */
    void close() {
        linkDown();
    }

    private void recoveredIfInSync(Replicator r, Channel ch) {
        if (r.linkedOn(ch) && r.state() == PairState.IN_SYNC) {
            volume.recovered(0, 0);
        }
    }

    /**
     * Resyncs the extents either node's record held at startup (the only ones a crash or a power
     * cut can have made differ) from this primary to the secondary, comparing checksums and copying
     * only the blocks that differ, then declares the pair in sync. A crashed secondary's extents
     * arrive in its RECORD_REPORT. Failing (link lost, bad report) ends the link: the next one
     * starts over, and the records stay pinned until then.
     */
    private void recordResync(Channel ch, MirroredVolume mirrored, Replicator r, CompletableFuture<byte[]> report,
            boolean peerRecovering, PeerHashComparison hashes) {
        PairRecord record = volume.record;
        CompletableFuture<List<long[]>> peerRanges = peerRecovering
                ? report.thenApply(record::rangesOf) : CompletableFuture.completedFuture(List.of());
        peerRanges.thenCompose(theirs -> {
            List<long[]> all = new ArrayList<>(volume.recovering ? record.recoveryRanges() : List.of());
            all.addAll(theirs);
            RecordResync resync = new RecordResync(mirrored, ch, all, comparison(r, mirrored, ch, hashes));
            return resync.run().thenApply(v -> resync);
        }).whenComplete((resync, err) -> {
            if (err != null) {
                LOG.log(Level.WARNING, "crash resync to the secondary {0} stopped: {1}; it starts again on the next"
                        + " link", ch.remoteAddress(), Failures.volumeError(err).getMessage());
                ch.close();
                return;
            }
            if (!r.recordResyncDone(ch)) {
                return; // another link took over; it resyncs again
            }
            recordResyncBytes.add(resync.total);
            recordResyncCopied.add(resync.copied.get());
            LOG.log(Level.INFO, "crash resync: compared {0} bytes in {1} extents, copied {2}", resync.total,
                    resync.extents(), resync.copied.get());
            volume.recovered(resync.total, resync.extents());
        });
    }

    /**
     * A crash resync's comparison over {@code ch}: hashes on the scan thread, differing blocks
     * copied without FUA on that link only (the resync's closing FLUSH makes them durable).
     * Ownership: the copier's read buffer goes to the replicator, which releases it once acked.
     */
    private RecordResync.Comparison comparison(Replicator r, MirroredVolume mirrored, Channel ch,
            PeerHashComparison hashes) {
        BlockHasher hasher = new BlockHasher(volume.local, settings.get().algorithm(), volume.scanGeometry(),
                PooledByteBufAllocator.DEFAULT, scanThread);
        BlockCopier copier = new BlockCopier(volume.local, (offset, data) -> r.copyWrite(ch, offset, data),
                mirrored.ranges().forCopies(), PooledByteBufAllocator.DEFAULT, COPY_CHUNK);
        return new RecordResync.Comparison(hasher, hashes.regionsOf(volume.scanBlocksPerRegion()), copier);
    }

    /**
     * Copies only the regions the outage bitmap marked, each under the write path's range lock
     * (so it orders against host writes still being mirrored), made durable on the secondary by a
     * FLUSH per batch. A lost link fails it with the unfinished and unflushed regions back on the
     * bitmap for the next link.
     *
     * <p>Starts once the previous link's bitmap resync has ended: a copy of it may still wait for a
     * host write's range lock (a write held under SUSPEND is re-sent only on this link), and its
     * region is off the bitmap until that copy fails. Started before, this resync could find the
     * bitmap empty and declare the pair in sync without that region.
     */
    private void resyncBitmap(Replicator r, MirroredVolume mirrored, Channel ch) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        bitmapResyncEnded.getAndSet(ended).whenComplete((ok, err) -> {
            if (!r.linkedOn(ch)) {
                ended.complete(null); // the link went while waiting: the next one starts it
                return;
            }
            try {
                startBitmapResync(r, mirrored, ch).whenComplete((p, e) -> ended.complete(null));
            } catch (RuntimeException e) {
                ended.complete(null);
                LOG.log(Level.ERROR, "bitmap resync to the secondary {0} could not start: {1}; ending the link",
                        ch.remoteAddress(), e.toString());
                ch.close();
            }
        });
    }

    private CompletableFuture<ResyncProgress> startBitmapResync(Replicator r, MirroredVolume mirrored, Channel ch) {
        OutageBitmap b = volume.bitmap();
        RegionResync rr = regionResync(b, r, ch, mirrored.ranges().forCopies());
        lastResyncRegionsMarked = b.markedCount();
        resync = rr;
        LOG.log(Level.INFO, "secondary {0} is behind by {1} regions of {2} bytes: copying only those",
                ch.remoteAddress(), lastResyncRegionsMarked, b.regionSize());
        return rr.start().whenComplete((progress, err) -> {
            ResyncProgress p = progress != null ? progress : rr.progress();
            lastResync = p;
            resyncBytesCopied.add(p.bytesDone());
            resyncRegionsCopied.add(p.regionsDone());
            if (resync == rr) {
                resync = null;
            }
            if (err == null) {
                LOG.log(Level.INFO, "bitmap resync done: {0}", p);
                planner.bitmapResyncDone();
                r.copyDone(ch, false);
            } else {
                LOG.log(Level.WARNING, "bitmap resync stopped after {0}: {1}; the next link continues it", p,
                        Failures.volumeError(err).getMessage());
            }
        });
    }

    /**
     * A copy of the bitmap's regions over {@code ch}: writes without FUA and FLUSHes, both only on
     * that link, so a flush vouches only for writes the same secondary process acknowledged.
     * Ownership: the replicator takes each read buffer and releases it once acked or failed.
     */
    private RegionResync regionResync(OutageBitmap b, Replicator r, Channel ch, CopyLock lock) {
        RegionSink sink = RegionSink.batching((offset, data) -> r.copyWrite(ch, offset, data), () -> r.copyFlush(ch));
        return new RegionResync(b, volume.local, sink, lock, RESYNC_LIMITS, PooledByteBufAllocator.DEFAULT);
    }

    /**
     * A full resync by comparison (DESIGN section 7): both nodes hash each region, the secondary
     * names the blocks that differ, the primary copies those under the write path's range lock.
     * Restartable: the cursor in {@code <volume>.scan} survives a lost link (the next link
     * resumes there). Regions the outage bitmap marked meanwhile (writes while the link was
     * down again, behind the cursor) are copied afterwards, so resuming never misses one.
     */
    private CompletableFuture<Void> resyncChecksum(Replicator r, MirroredVolume mirrored, Channel ch,
            HashComparison peer) {
        // A scan of an earlier link may still be winding down (waiting for its rate limit): it
        // must save its cursor before this one reads it, and never run beside it.
        ChecksumResync earlier = checksum;
        if (earlier != null) {
            earlier.stop();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = checksumEnded;
        checksumEnded = done.handle((ok, e) -> null);
        previous.whenCompleteAsync((ok, e) -> runChecksum(r, mirrored, ch, peer, done), scanThread);
        return done;
    }

    private void runChecksum(Replicator r, MirroredVolume mirrored, Channel ch, HashComparison peer,
            CompletableFuture<Void> done) {
        if (!r.linkedOn(ch)) {
            done.completeExceptionally(new VolumeException("mirror link lost before the checksum resync", true));
            return;
        }
        ScanGeometry g = volume.scanGeometry();
        ScanCursor cursor = ScanCursor.open(volume.cursorFile(), settings.get().algorithm(), g);
        // Counted as it happens, so an interrupted run's work shows too.
        HashComparison counted = batch -> peer.compare(batch).thenApply(ranges -> {
            checksumRegionsScanned.add(batch.count());
            ranges.forEach(range -> checksumBlocksDiffering.add(range.count()));
            return ranges;
        });
        ChecksumResync cr = checksumResync(r, mirrored, counted, g, cursor, 16);
        lastChecksumStartRegion = cursor.position();
        LOG.log(Level.INFO, "secondary {0} needs a full resync: comparing {1} checksums of {2} regions{3}",
                ch.remoteAddress(), settings.get().algorithm().configName(), g.regionCount(),
                cursor.resumed() ? " from region " + cursor.position() + " (resumed)" : "");
        cr.run().whenComplete((result, err) -> {
            Throwable failure = err != null ? err : result.scan().complete() ? null
                    : new VolumeException("stopped (link lost or node closing)", true);
            if (failure != null) {
                if (checksum == cr) {
                    checksum = null;
                }
                LOG.log(Level.WARNING, "checksum resync stopped at region {0}: {1}; the next link resumes there",
                        cursor.position(), Failures.volumeError(failure).getMessage());
                done.completeExceptionally(failure);
                return;
            }
            LOG.log(Level.INFO, "checksum resync: {0} blocks differed, {1} copied", result.blocksDiffering(),
                    result.blocksCopied());
            OutageBitmap b = volume.bitmap();
            CompletableFuture<?> rest = b != null && b.anyChanged()
                    ? regionResync(b, r, ch, mirrored.ranges().forCopies()).start()
                    : CompletableFuture.completedFuture(null);
            rest.whenComplete((ok, e2) -> {
                if (checksum == cr) {
                    checksum = null;
                }
                if (e2 != null) {
                    LOG.log(Level.WARNING, "resync of regions written during the scan stopped: {0}",
                            Failures.volumeError(e2).getMessage());
                    done.completeExceptionally(e2);
                    return;
                }
                r.copyDone(ch, true);
                done.complete(null);
            });
        });
    }

    /**
     * An administrator's checksum resync of a pair that looks in sync: compares from region 0 (the
     * cursor stays in memory), copies what differs while host writes go on; resync.max-rate applies.
     *
     * @throws IllegalStateException while a checksum resync runs
     */
    CompletableFuture<ChecksumResync.Result> resyncNow(Replicator r, MirroredVolume mirrored,
            PeerHashComparison peer) {
        ChecksumResync cr;
        ScanGeometry g = volume.scanGeometry();
        synchronized (this) {
            if (checksum != null) {
                throw new IllegalStateException("a checksum resync is running already");
            }
            cr = checksumResync(r, mirrored, peer.regionsOf(g.blocksPerRegion()),
                    g, ScanCursor.inMemory(settings.get().algorithm(), g), Integer.MAX_VALUE);
        }
        LOG.log(Level.INFO, "checksum resync requested by an administrator: comparing {0} regions",
                g.regionCount());
        return cr.run().whenComplete((result, err) -> {
            if (checksum == cr) {
                checksum = null;
            }
            if (err == null) {
                LOG.log(Level.INFO, "administrator''s checksum resync: {0} blocks differed, {1} copied",
                        result.blocksDiffering(), result.blocksCopied());
            }
        });
    }

    /**
     * The one setup of a checksum resync, after a reconnect or on an administrator's request: the
     * scan hashes on the scan thread at resync.max-rate and saves {@code cursor} (over {@code g}) every
     * {@code saveEvery} batches; differing blocks go to the secondary with FUA under the write
     * path's range lock, counted as they land. Becomes {@link #checksum}.
     * Ownership: the copier's read buffer goes to the replicator, which releases it once acked or failed.
     */
    private ChecksumResync checksumResync(Replicator r, MirroredVolume mirrored, HashComparison peer,
            ScanGeometry g, ScanCursor cursor, int saveEvery) {
        BlockHasher hasher = new BlockHasher(volume.local, settings.get().algorithm(), g,
                PooledByteBufAllocator.DEFAULT, scanThread);
        int batch = Math.min(64, hasher.maxRegionsPerCall());
        TokenBucket limit = rate == 0 ? TokenBucket.unlimited() : new TokenBucket(rate, g.bytes(0, batch));
        int bs = volume.local.blockSize();
        BlockCopier copier = new BlockCopier(volume.local, (offset, data) -> {
            long blocks = data.readableBytes() / bs;
            return r.write(offset, data, true, true).thenRun(() -> checksumBlocksCopied.add(blocks));
        }, mirrored.ranges().forCopies(), PooledByteBufAllocator.DEFAULT, COPY_CHUNK);
        ChecksumResync cr = new ChecksumResync(new ChecksumScanner(hasher, cursor, limit, scanThread, batch, saveEvery),
                peer, copier);
        checksum = cr;
        return cr;
    }

    /** True while a checksum resync runs (after a reconnect or an administrator's). */
    boolean checksumRunning() {
        return checksum != null;
    }

    /** The running checksum resync's progress; null if none runs. */
    ResyncProgress checksumProgress() {
        ChecksumResync cr = checksum;
        return cr == null ? null : cr.progress();
    }

    /** The running bitmap resync's progress; null if none runs. */
    ResyncProgress bitmapProgress() {
        RegionResync rr = resync;
        return rr == null ? null : rr.progress();
    }

    /** The running bitmap resync's progress, or the last one's once it ended; null before the first. */
    ResyncProgress lastBitmapProgress() {
        ResyncProgress p = bitmapProgress();
        return p != null ? p : lastResync;
    }

    /** The last full initial copy started; null if none. */
    InitialCopy initialCopy() {
        return copy;
    }
}
