package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.LinkSide.PEER_GENERATIONS;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.link.RecordUpdate;
import net.twinblock.mirror.link.WriteAssembler;
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * What the secondary does with its primary's authenticated link: installs its stages
 * ({@link LinkPipeline#secondary}), records what each SYNC_STATE makes this copy (clean,
 * consistent, the target of a resync), reports its record after a crash, and takes the primary's
 * order to discard its data in a split brain.
 */
final class SecondaryLinkSide extends VolumeLinkSide {

    private final SecondaryVolume forwarder;
    private final StatusQueries queries;
    private final PairMetrics.LinkCounters counters;
    /** Orders overlapping writes applied from the primary. */
    private final RangeLock applyOrder = new RangeLock();
    /** Hashing for checksum resyncs (nice) and for scrubs (idle CPU only). */
    private final Executor scanThread;
    private final Executor scrubThread;

    SecondaryLinkSide(VolumeState volume, SecondaryVolume forwarder, StatusQueries queries,
            SplitBrainResolver splitBrain, PairMetrics.LinkCounters counters, Executor scanThread,
            Executor scrubThread) {
        super(volume, splitBrain);
        this.forwarder = forwarder;
        this.queries = queries;
        this.counters = counters;
        this.scanThread = scanThread;
        this.scrubThread = scrubThread;
    }

    @Override
    public String unusable() {
        String failure = volume.local.health().failure();
        return volume.local.health().detached() ? "the secondary's disk failed (" + failure
                + "); it takes no mirror and serves nothing until repaired" : null;
    }

    @Override
    public boolean linkUp(Channel ch, PeerIdentity peer) {
        linked();
        byte[] primaryGenerations = ch.attr(PEER_GENERATIONS).get();
        splitBrain.state.linked(peer.nodeId(), primaryGenerations);
        // A discard the primary just ordered must be on disk before its copy overwrites our data.
        CompletableFuture<Void> adopted = CompletableFuture.allOf(splitBrain.discardDurable(), volume.meta.update(m -> m
                .withPaired(peer.volumeId()).withGeneration(peer.generation())));
        // Hashes that arrive while this copy is in sync can only be a scrub's: they wait for idle CPU.
        HashRequests scan = new HashRequests(volume.local,
                task -> (volume.inSync ? scrubThread : scanThread).execute(task));
        boolean crashResyncOnly = crashResyncOnly(peer, primaryGenerations);
        MirrorReceiver mirror = new MirrorReceiver(volume.journal, volume.local, applyOrder, volume.meta, adopted, forwarder,
                syncListener(peer, primaryGenerations, crashResyncOnly), counters.applied, counters.flushesReceived,
                volume.record, queries, counters.failuresReported);
        LinkPipeline.secondary(ch, scan, new WriteAssembler(counters.wakeups), mirror);
        volume.calls.linkUp(ch);
        if (volume.recovering) {
            byte[] mine = volume.record.report();
            if (mine != null) {
                // Before any answer of ours: the primary waits for it to bound its resync.
                ch.writeAndFlush(new RecordUpdate(true, 0, mine));
            }
        }
        return true;
    }

    private MirrorReceiver.SyncListener syncListener(PeerIdentity peer, byte[] primaryGenerations,
            boolean crashResyncOnly) {
        return new MirrorReceiver.SyncListener() {
            @Override
            public void syncing(boolean syncing) {
                volume.syncing = syncing;
                volume.inSync = !syncing;
                volume.resyncTarget = syncing;
                volume.resyncReach.set(0);
                if (!syncing && primaryGenerations != null) {
                    adoptGenerations(GenerationHistory.decode(primaryGenerations));
                }
                if (!syncing && volume.recovering) {
                    volume.recovered(0, 0); // the primary copied what our record listed
                }
            }

            @Override
            public UnaryOperator<PairMetadata.Meta> metadata(boolean inSync) {
                return consistencyAt(inSync, peer.nodeId(), crashResyncOnly);
            }

            @Override
            public void written(long end) {
                if (volume.syncing) {
                    volume.resyncReach.accumulateAndGet(end, Math::max);
                }
            }
        };
    }

    @Override
    public boolean discardOrdered(PeerIdentity primary, GenerationHistory primaryGenerations) {
        return splitBrain.discardOrdered(primary, primaryGenerations);
    }

    @Override
    public void linkDown(Channel ch) {
        if (volume.syncing) {
            // How far the lost resync got, for the refusal to promote this copy (even after a restart).
            int reached = volume.resyncPercent();
            volume.meta.update(m -> m.consistent() ? m : m.withResync(m.resync().withPercent(reached)));
        }
        volume.syncing = false;
        volume.inSync = false;
        forwarder.linkDown();
        queries.linkDown();
        volume.calls.linkDown(ch);
    }

    /**
     * The primary said this copy is identical to its own: this node now holds the primary's data
     * generation (as the primary holds it after ending its resync).
     */
    private void adoptGenerations(GenerationHistory primary) {
        volume.meta.update(m -> m.withGenerations(m.generations().adopt(primary.endResync())));
    }

    /**
     * What a SYNC_STATE makes this secondary record. "In sync": clean and consistent. "Not in sync":
     * not clean, and, before the first copy lands (the receiver's barrier), the target of a resync
     * from {@code primary}: its regions arrive out of write order, so until the primary says "in
     * sync" this copy may lack acknowledged writes, and promotion refuses it. Except a crash
     * resync: it copies only a predictive record's extents, writes in flight at the crash that no
     * host saw completed, so either version of them is a state the host could have seen.
     */
    private static UnaryOperator<PairMetadata.Meta> consistencyAt(boolean inSync, String primary,
            boolean crashResyncOnly) {
        if (inSync) {
            return m -> m.withClean(true).withResync(null);
        }
        if (crashResyncOnly) {
            return m -> m.withClean(false);
        }
        // Progress not known yet: the link's loss saves it (a crash before that leaves it unknown).
        return m -> m.withClean(false).withResync(new PairMetadata.Resync(primary, -1));
    }

    /**
     * True if a "not in sync" on this link can only start a crash resync (the primary's
     * {@link ResyncCoordinator}): the primary plans one only if it would copy nothing else (same
     * data generation, this copy clean, so at the baseline it holds everything it acknowledged)
     * and one of the nodes crashed with a valid record. Judged at link-up, before the SYNC_STATE
     * changes clean. Anything else counts as an out-of-order copy: wrongly so costs a promote
     * --force, never a half copy served.
     */
    private boolean crashResyncOnly(PeerIdentity primary, byte[] primaryGenerations) {
        PairMetadata.Meta m = volume.meta.get();
        if (!(volume.recovering || primary.recovering()) || !m.clean() || !m.consistent() || primaryGenerations == null
                || m.generations().isNone()) {
            return false;
        }
        return GenerationHistory.decode(primaryGenerations).current().equals(m.generations().current());
    }
}
