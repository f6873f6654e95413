package net.twinblock.mirror.pair;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.UUID;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.record.PairRecord;
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * The primary's decision, at each link, of what a returning secondary needs (DESIGN section 7):
 * nothing, the outage bitmap's regions, or everything. Remembers which secondary the last link
 * made a bitmap resync's target, so an interrupted one can continue from the bitmap.
 */
final class CopyPlanner {

    private static final Logger LOG = System.getLogger(CopyPlanner.class.getName());

    /**
     * What a returning secondary needs. PEER_CURRENT: nothing, ever, because this primary's copy
     * is detached and the secondary's is the current one (no crash resync either).
     */
    enum Copy { NONE, BITMAP, FULL, PEER_CURRENT }

    /** A secondary (by its node name) that the last link made the target of a bitmap resync from this baseline. */
    private record BitmapTarget(String nodeId, UUID baseline) {
    }

    private final VolumeState volume;
    /** The secondary whose bitmap resync the last link started, until another plan replaces it. */
    private volatile BitmapTarget bitmapTarget;

    CopyPlanner(VolumeState volume) {
        this.volume = volume;
    }

    /**
     * A new secondary needs everything unless the primary never held data. A paired one is
     * placed by the data generations: the same generation needs nothing if both copies are clean;
     * a secondary at our outage baseline needs only the bitmap's regions if this process saw the
     * whole outage (the bitmap is in memory) and the secondary's copy is bounded: clean (it did
     * not crash, so it holds everything it acknowledged), or crashed with a valid record, or an
     * interrupted bitmap resync's target (see {@link #resumesBitmapResync}); anything else gets a
     * full copy. Refused verdicts (split brain, secondary newer) never get here: the handshake
     * stopped them. Without the peer's generations (an older node) the plain generation numbers
     * decide. Remembers the secondary it plans a bitmap resync for (every plan replaces that).
     */
    Copy plan(PeerIdentity peer, byte[] peerGenerations) {
        if (volume.local.health().detached()) {
            bitmapTarget = null;
            return planDetached(peer, peerGenerations);
        }
        Copy c = planCopy(peer, peerGenerations);
        bitmapTarget = c == Copy.BITMAP
                ? new BitmapTarget(peer.nodeId(), volume.meta.get().generations().bitmap()) : null;
        return c;
    }

    /**
     * This primary's copy is detached: never a source, so nothing is copied, ever. The handshake
     * let only a secondary with the current copy through ({@link DetachedPrimary}); the rule is
     * checked again here, under the replicator's link-up, for a disk that detached since.
     *
     * @throws NoCurrentCopy if the secondary's copy is not known current: the link must not come up
     */
    private Copy planDetached(PeerIdentity peer, byte[] peerGenerations) {
        String why = DetachedPrimary.whyNotCurrent(volume.meta.get().generations(), peer, peerGenerations);
        if (why != null) {
            throw new NoCurrentCopy(why);
        }
        LOG.log(Level.INFO, "this primary''s copy is detached after a disk failure: the secondary {0} holds the"
                + " current copy, so nothing is copied and every op goes to it alone", peer.nodeId());
        return Copy.PEER_CURRENT;
    }

    /** A detached primary met a secondary whose copy is not known current: no link, no copy. */
    static final class NoCurrentCopy extends RuntimeException {
        NoCurrentCopy(String why) {
            super(why, null, false, false);
        }
    }

    /** The bitmap resync finished: nothing is left to continue. */
    void bitmapResyncDone() {
        bitmapTarget = null;
    }

    private Copy planCopy(PeerIdentity peer, byte[] peerGenerations) {
        PairMetadata.Meta m = volume.meta.get();
        if (peer.paired() && peerGenerations != null) {
            GenerationHistory theirs = GenerationHistory.decode(peerGenerations);
            GenerationHistory.Verdict v = GenerationHistory.compare(m.generations(), theirs);
            LOG.log(Level.INFO, "data generations: this primary {0}; secondary {1}: {2}", m.generations().describe(),
                    theirs.describe(), v);
            if (v == GenerationHistory.Verdict.LOCAL_NEWER_BITMAP) {
                // A crashed secondary with a valid predictive record (recovering) may differ beyond our
                // bitmap only on its recorded extents, which its RECORD_REPORT adds to the bitmap.
                boolean secondaryBounded = peer.clean() || (peer.recovering() && volume.record != PairRecord.NONE)
                        || resumesBitmapResync(peer, m.generations());
                return secondaryBounded && volume.bitmap() != null && m.generations().bitmapInMemory()
                        ? Copy.BITMAP : Copy.FULL;
            }
            if (v != GenerationHistory.Verdict.IN_SYNC) {
                return Copy.FULL;
            }
        }
        return needsCopy(peer) ? Copy.FULL : Copy.NONE;
    }

    /**
     * True if the secondary is the target of this process's bitmap resync that a lost link
     * interrupted, and may continue it from the bitmap although it is no longer clean.
     *
     * <p>Why that is safe. The bitmap resync started from a secondary that differed from us only in
     * marked regions (clean at our outage baseline, or crashed with its record's extents marked,
     * or this same argument one link earlier). Since then it received only what this
     * process sent: mirrored host writes (each either acknowledged, or marked on failure) and
     * region copies. A copy's region counts as done only after a FLUSH on the same link covering
     * it succeeded; every copy not flushed (in flight, unacknowledged, or waiting for the flush)
     * was put back on the bitmap when its write or flush failed with the link. So the secondary
     * still differs only in marked regions, PROVIDED it lost nothing it acknowledged: it has not
     * crashed, and not restarted. Its RESYNC_TARGET flag says that: it is held in memory by the
     * process that received the SYNC_STATE "not in sync", and only in memory. And it must be that
     * resync's target: the same node, at the same baseline, planned for BITMAP by the last link of
     * this process (a checksum or full copy in between would have replaced {@link #bitmapTarget};
     * a restart of this process loses the bitmap, and with it bitmapInMemory). A secondary that
     * restarted, crashed or cleanly, reports no flag and gets the record or full path.
     */
    private boolean resumesBitmapResync(PeerIdentity peer, GenerationHistory mine) {
        BitmapTarget t = bitmapTarget;
        boolean resumes = peer.resyncTarget() && t != null && t.nodeId().equals(peer.nodeId())
                && t.baseline().equals(mine.bitmap());
        if (resumes) {
            LOG.log(Level.INFO, "secondary {0} is the target of the interrupted bitmap resync and has not restarted:"
                    + " continuing from the bitmap", peer.nodeId());
        }
        return resumes;
    }

    /**
     * The decision in its simplest form: a new secondary needs everything unless the primary
     * never held data; a returning one needs nothing only if both copies are clean, of the same
     * generation, and nothing was written without it meanwhile.
     */
    private boolean needsCopy(PeerIdentity secondaryId) {
        PairMetadata.Meta m = volume.meta.get();
        if (!secondaryId.paired()) {
            return !m.empty();
        }
        return !(m.clean() && secondaryId.clean() && secondaryId.generation() == m.generation()
                && !volume.divergence.anyChanged());
    }
}
