package net.twinblock.mirror.pair;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.record.PairRecord;
import net.twinblock.mirror.resync.DivergenceTracker;
import net.twinblock.mirror.resync.OutageBitmap;
import net.twinblock.mirror.resync.ScanGeometry;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Journal;

/**
 * What this node knows about its copy of the mirrored volume, apart from any link: the local
 * file, its metadata (ids, generations, clean and consistent), its predictive record, what
 * changed without the secondary, and whether a crash or an unfinished resync bounds what may
 * differ. One per mirrored volume: the link-wide parts (handshake, pipeline, heartbeat) live
 * elsewhere, so a pair of several volumes holds several of these.
 */
final class VolumeState {

    private static final Logger LOG = System.getLogger(VolumeState.class.getName());

    /** The volume's number in the pair: its LUN, the same on both nodes. */
    final int number;
    final FileVolume local;
    /** What this node acknowledged as a secondary goes here first, then to {@link #local}. */
    final Journal journal;
    final PairMetadata meta;
    final PairRecord record;
    /** Told about every range changed without the secondary (an {@link OutageBitmap}, or "copy all"). */
    final DivergenceTracker divergence;
    /** This node crashed and its valid record bounds what may differ; cleared once resynchronised. */
    volatile boolean recovering;
    /**
     * Secondary: this process received SYNC_STATE "not in sync" and no "in sync" since, so it is
     * the unfinished target of a resync and (being the same process) lost nothing it acknowledged.
     * In memory only: a restart, crashed or clean, starts without it. See {@link CopyPlanner}.
     */
    volatile boolean resyncTarget;
    /** Secondary: the primary's resync to this copy is running on the current link. */
    volatile boolean syncing;
    /** Secondary: set by the primary's SYNC_STATE "in sync" on the current link; any other news clears it. */
    volatile boolean inSync;
    /**
     * Why the partner refused (or this node refused) this volume's link for a configuration
     * mismatch (a LUN on one node only, sizes that differ); null once a link is up. Shown in status.
     */
    volatile String refusal;
    /** Why the last link attempt failed before the peer was authenticated (TLS, key); null once a link is up. */
    volatile String linkFailure;
    /** Primary: what the secondary's forwarded writes pass before they run (the embedder's write gate). */
    volatile ForwardedWriteGate forwardedWrites = ForwardedWriteGate.OPEN;
    /** The embedder's messages about this volume to and from the partner, over its link. */
    final PeerCalls calls;
    /** Secondary: the furthest byte a write reached since the primary's last "not in sync" (resync progress). */
    final AtomicLong resyncReach = new AtomicLong();

    VolumeState(int number, FileVolume local, Journal journal, PairMetadata meta, PairRecord record,
            DivergenceTracker divergence) {
        this.number = number;
        this.local = local;
        this.journal = journal;
        this.meta = meta;
        this.record = record;
        this.divergence = divergence;
        this.calls = new PeerCalls(number);
    }

    /**
     * This copy's identity for a handshake, as node {@code nodeName} mirroring {@code volumes}, with
     * the flags only memory holds.
     */
    PeerIdentity identity(String nodeName, List<Integer> volumes) {
        PeerIdentity id = meta.get().identity(local.size(), local.blockSize());
        // On the link a node is its node.name: what an administrator names in resolve --discard.
        return new PeerIdentity(nodeName, id.volumeId(), id.sizeBytes(), id.blockSize(), id.generation(),
                id.flags() | (recovering ? PeerIdentity.FLAG_RECOVERING : 0)
                        | (resyncTarget ? PeerIdentity.FLAG_RESYNC_TARGET : 0), number, volumes);
    }

    /** The outage bitmap, when the divergence tracker is one (else a reconnect after divergence copies everything). */
    OutageBitmap bitmap() {
        return divergence instanceof OutageBitmap b ? b : null;
    }

    /** Blocks per hashed region of a checksum resync: the outage bitmap's region (64 KiB by default). */
    int scanBlocksPerRegion() {
        OutageBitmap b = bitmap();
        int region = b != null ? b.regionSize() : OutageBitmap.DEFAULT_REGION_SIZE;
        return Math.max(1, region / local.blockSize());
    }

    /** The volume cut into the regions checksum scans hash. */
    ScanGeometry scanGeometry() {
        return new ScanGeometry(local.size(), local.blockSize(), scanBlocksPerRegion());
    }

    /** Where an interrupted checksum resync keeps its position: {@code <volume>.scan}. */
    Path cursorFile() {
        return local.file().resolveSibling(local.file().getFileName() + ".scan");
    }

    /** What this node's record held at startup is on both nodes now: its extents may leave the record. */
    void recovered(long bytes, int extents) {
        recovering = false;
        record.recoveryComplete(bytes, extents);
    }

    /**
     * This primary was demoted: writes it made that the new primary may lack are within its
     * record's extents, resynced at the next link as after a crash; without a record, nothing
     * bounds them, so the next link compares everything.
     */
    void demoted() {
        resyncTarget = false;
        syncing = false;
        inSync = false;
        if (record != PairRecord.NONE) {
            recovering = true;
        } else {
            meta.update(m -> m.withClean(false)).join();
        }
    }

    /** How far the running resync has written into the volume (regions go in ascending order), in percent. */
    int resyncPercent() {
        long size = local.size();
        return size <= 0 ? -1 : (int) Math.min(100, resyncReach.get() * 100 / size);
    }

    /**
     * Sets the dirty bit for this run. Found already set, the last run crashed: writes that only
     * reached one node's page cache may be lost there and not on the partner, so this copy is no
     * longer known identical and the next link runs a full copy.
     */
    void markRunning() {
        if (meta.get().open() && record.holdsValidRecord()) {
            // The record was durable on both nodes before any write it covers was issued: only its
            // extents (and the partner's) may differ, and they are copied before the pair is in sync.
            recovering = true;
            LOG.log(Level.WARNING, "{0} was not shut down cleanly: the extents in its predictive record are"
                    + " resynchronised at the next link (no full copy)", local.file());
        } else if (!meta.get().open()) {
            record.recoveryComplete(0, 0); // clean shutdown: both copies held the same data
        } else {
            LOG.log(Level.WARNING, "{0} was not shut down cleanly: its copy may differ from the partner''s,"
                    + " so the next link makes a full copy", local.file());
            meta.update(m -> m.withClean(false)).join();
        }
        meta.update(m -> m.withOpen(true)).join();
    }

    /** Clears the dirty bit once every write this node completed is durable; skipped if that fails. */
    void markStopped() {
        journal.close(); // applies what it holds: a clean stop leaves no journal
        try {
            local.flush().get(30, TimeUnit.SECONDS);
            meta.update(m -> m.withOpen(false)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "{0}: could not record a clean shutdown ({1}); the next start makes a full"
                    + " copy to be safe", local.file(), e.toString());
        }
    }
}
