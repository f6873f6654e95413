package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.LinkSide.PEER_GENERATIONS;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.link.WakeupCounter;
import net.twinblock.mirror.link.WriteAssembler;
import net.twinblock.mirror.store.VolumeException;

/**
 * What the primary does with each authenticated link to its secondary: installs its stages
 * ({@link LinkPipeline#primary}), sends the record first, then lets the {@link ResyncCoordinator}
 * plan and run the secondary's copy; at link loss, stops what ran over it.
 */
final class PrimaryLinkSide extends VolumeLinkSide {

    private final Replicator replicator;
    private final MirroredVolume mirrored;
    private final RecordSender records;
    private final ResyncCoordinator resyncs;
    private final LongAdder forwardedServed;
    /** The current link's scan stage, through which scans and scrubs ask the secondary; null before the first. */
    private volatile PeerHashComparison hashes;

    PrimaryLinkSide(VolumeState volume, MirroredVolume mirrored, RecordSender records, ResyncCoordinator resyncs,
            SplitBrainResolver splitBrain, LongAdder forwardedServed) {
        super(volume, splitBrain);
        this.replicator = mirrored.replicator();
        this.mirrored = mirrored;
        this.records = records;
        this.resyncs = resyncs;
        this.forwardedServed = forwardedServed;
    }

    /** The last link's hash comparison with the secondary; null if no link came up yet. */
    PeerHashComparison hashes() {
        return hashes;
    }

    @Override
    public boolean linkUp(Channel ch, PeerIdentity peer) {
        linked();
        byte[] peerGenerations = ch.attr(PEER_GENERATIONS).get();
        splitBrain.state.linked(peer.nodeId(), peerGenerations);
        // The secondary's RECORD_REPORT (if it crashed); fails with the link.
        CompletableFuture<byte[]> report = new CompletableFuture<>();
        ch.closeFuture().addListener(f -> report.completeExceptionally(
                new VolumeException("mirror link lost before the secondary's record report", true)));
        // The assembler counts no wake-ups here: a primary receives no mirrored writes.
        hashes = LinkPipeline.primary(ch, new WriteAssembler(new WakeupCounter()),
                new PrimaryLinkHandler(replicator, mirrored, forwardedServed, records, report,
                        () -> volume.forwardedWrites));
        volume.meta.update(m -> m.withPaired(m.volumeId()));
        // First on the link: the record, so the secondary's read gate never starts from an older one.
        records.linkUp(ch);
        // Then the embedder's state (reservations): before any forwarded command can be answered.
        volume.calls.linkUp(ch);
        resyncs.linkUp(ch, peer, peerGenerations, replicator, mirrored, report, hashes);
        return true;
    }

    @Override
    public void linkDown(Channel ch) {
        replicator.linkDown(ch);
        volume.calls.linkDown(ch);
        records.linkDown(ch);
        resyncs.linkDown();
    }

    @Override
    public String noCurrentCopy(PeerIdentity secondary, byte[] secondaryGenerations) {
        return volume.local.health().detached()
                ? DetachedPrimary.whyNotCurrent(volume.meta.get().generations(), secondary, secondaryGenerations)
                : null;
    }

    @Override
    public byte[] discardOrder(PeerIdentity peer, byte[] peerGenerations) {
        return splitBrain.state.takeOrder(peer.nodeId(), peerGenerations, volume.meta.get().generations());
    }
}
