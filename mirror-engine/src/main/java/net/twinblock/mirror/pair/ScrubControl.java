package net.twinblock.mirror.pair;

import io.netty.buffer.PooledByteBufAllocator;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import net.twinblock.mirror.resync.HashComparison;
import net.twinblock.mirror.resync.ScrubReport;
import net.twinblock.mirror.resync.ScrubSettings;
import net.twinblock.mirror.resync.Scrubber;
import net.twinblock.mirror.store.VolumeException;

/**
 * The primary's scrubs of one volume: scrub.* settings, the {@link Scrubber} for the current
 * mirrored volume (periodic on scrub.interval, and on an administrator's verify), and its
 * thread, SCHED_IDLE because a scrub is optional work. Guarded by the node's lock.
 *
 * <p>A copy detached after a disk failure ({@code disk.on-error=detach}) is never scrubbed: it
 * is stale (every op since went to the secondary alone), so comparing it says nothing and a
 * repair would copy stale blocks over the only current copy. The volume refuses its reads
 * already, so a scrub would only fail at its first read, a warning every scrub.interval; from the
 * detach on, periodic scrubs stop with one log line instead, and a verify is refused naming why.
 */
final class ScrubControl {

    private static final Logger LOG = System.getLogger(ScrubControl.class.getName());

    private final VolumeState volume;
    private final ScheduledExecutorService scrubThread;
    /** The link's hash comparison with the secondary; null while there is none. */
    private final Supplier<PeerHashComparison> peer;
    private volatile ScrubSettings settings = ScrubSettings.defaults();
    private Scrubber scrubber;

    ScrubControl(VolumeState volume, ScheduledExecutorService scrubThread, Supplier<PeerHashComparison> peer) {
        this.volume = volume;
        this.scrubThread = scrubThread;
        this.peer = peer;
        volume.local.health().whenDetached(() -> {
            try {
                scrubThread.execute(this::detached); // not on the thread that saw the failure: it may be an event loop
            } catch (RejectedExecutionException e) {
                // the volume is closing: no scrub runs again anyway
            }
        });
    }

    private synchronized void detached() {
        if (scrubber != null || settings.interval() != null) {
            LOG.log(Level.WARNING, "LUN {0}: no more scrubs: this node''s copy is detached after a disk failure",
                    volume.number);
        }
        close();
    }

    /** Why this copy may not be scrubbed; null if it may. */
    String refusal() {
        return volume.local.health().detached() ? "LUN " + volume.number + ": no scrub: this node's copy is"
                + " detached after a disk failure (" + volume.local.health().failure() + ") and is stale; the"
                + " secondary holds the only current copy. Repair this node (new image and metadata) to scrub again"
                : null;
    }

    ScrubSettings settings() {
        return settings;
    }

    /** New settings: the scrubber of the old ones stops; a primary's starts again at once. */
    synchronized void configure(ScrubSettings s, MirroredVolume primary) {
        settings = s;
        close();
        if (primary != null && refusal() == null) {
            scrubber(primary).start();
        }
    }

    /** This node became the primary of {@code mirrored}: periodic scrubs are its job now, if configured. */
    synchronized void becamePrimary(MirroredVolume mirrored) {
        if (settings.interval() != null && refusal() == null) {
            scrubber(mirrored).start();
        }
    }

    /** Compares both copies now, once {@link #refusal()} said it may; see {@link PairNode#verify()}. */
    synchronized CompletableFuture<ScrubReport> scrubNow(MirroredVolume mirrored) {
        return scrubber(mirrored).scrubNow();
    }

    /** The current scrubber, for metrics; null before the first. */
    synchronized Scrubber current() {
        return scrubber;
    }

    synchronized void close() {
        if (scrubber != null) {
            scrubber.close();
            scrubber = null;
        }
    }

    /** The scrubber for {@code mirrored}, made on first use. */
    private Scrubber scrubber(MirroredVolume mirrored) {
        if (scrubber == null) {
            Replicator r = mirrored.replicator();
            HashComparison compare = batch -> {
                PeerHashComparison p = peer.get();
                return p != null ? p.compare(batch, settings.blocksPerRegion()) : CompletableFuture.failedFuture(
                        new VolumeException("no mirror link: nothing to compare with", true));
            };
            // Ownership: a repair's read buffer goes to the replicator, which releases it once acked or failed.
            // Host I/O on the exported volume throttles the scrub (scrub.busy-rate); its own reads are not counted.
            scrubber = new Scrubber(settings, volume.local, compare, (offset, data) -> r.write(offset, data, true, true),
                    mirrored.ranges().forCopies(), scrubThread, PooledByteBufAllocator.DEFAULT,
                    mirrored::hostOperations);
        }
        return scrubber;
    }
}
