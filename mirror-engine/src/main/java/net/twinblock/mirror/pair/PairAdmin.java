package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import net.twinblock.mirror.resync.ChecksumResync;
import net.twinblock.mirror.resync.GenerationHistory;
import net.twinblock.mirror.resync.ScrubReport;

/**
 * An administrator's operations on a pair node (promote, resolve a split brain, verify,
 * resync): when each is allowed, what the refusal says, and what it changes. The node's parts
 * do the work; the checks and the node's role state are read under the node's lock, the one
 * that role changes take. {@link PairNode} documents each operation.
 */
final class PairAdmin {

    private static final Logger LOG = System.getLogger(PairAdmin.class.getName());

    private final PairNode node;

    PairAdmin(PairNode node) {
        this.node = node;
    }

    void promote(boolean force) {
        synchronized (node) {
            requireOpen();
            if (node.role() == Role.PRIMARY) {
                throw new IllegalStateException("this node is already the primary");
            }
            Channel p = node.primaryLink();
            if (p != null && p.isActive()) {
                throw new IllegalStateException("cannot promote: the primary " + p.remoteAddress()
                        + " is still connected; stop it or cut the mirror link first (two primaries would"
                        + " split the data)");
            }
            VolumeState v = node.volume;
            PairMetadata.Resync unfinished = v.meta.get().resync();
            if (unfinished != null && !force) {
                throw new IllegalStateException("cannot promote: this copy is inconsistent: " + describe(unfinished)
                        + "; bring the primary back, or promote --force to serve it anyway (acknowledged writes"
                        + " may be missing)");
            }
            if (unfinished != null) {
                LOG.log(Level.WARNING, "promoting an INCONSISTENT copy on an administrator''s --force: {0}; hosts"
                        + " may read data older than writes they saw completed", describe(unfinished));
            }
            node.stopSecondary();
            v.resyncTarget = false; // a primary is nobody's resync target
            long generation = v.meta.get().generation() + 1;
            // Not known identical to anyone any more; the old primary must take a copy to rejoin.
            // From here this node's data is a new generation its old primary never saw; the outage
            // bitmap counts what the old primary will lack when it rejoins.
            v.divergence.clear();
            v.meta.update(m -> m.withGeneration(generation).withClean(false).withResync(null)
                    .withGenerations(m.generations().newCurrent())).join();
            LOG.log(Level.WARNING, "promoted to PRIMARY: data generation is now {0}", generation);
            node.startPromoted();
        }
        node.roleChanged(Role.PRIMARY);
    }

    private String describe(PairMetadata.Resync r) {
        VolumeState v = node.volume;
        // The link is down (promote checked): a resync still counted here is the one it ended.
        int percent = v.syncing ? v.resyncPercent() : r.percent();
        return "a resync from " + r.primary() + (percent < 0 ? " was under way when the link was lost (how far it"
                + " got is not known)" : " was at " + percent + "% of the volume (the furthest it had written)"
                + " when the link was lost");
    }

    PairNode.Resolution resolve(String name) {
        String me = node.nodeName();
        String peer = node.peerName();
        if (me.equals(peer)) {
            throw new IllegalArgumentException("both nodes are named " + me + ", so the name does not say which"
                    + " one loses: set node.name to a different name on each node and restart them, or run"
                    + " `target-server.jar resolve --discard-local` against the node whose data is dropped");
        }
        if (me.equals(name)) {
            return new PairNode.Resolution(me, true, discardLocal());
        }
        if (peer != null && peer.equals(name)) {
            return new PairNode.Resolution(peer, false, orderPeerDiscarded(peer));
        }
        throw new IllegalArgumentException("no node of this pair is named " + name + ": this node is " + me
                + (peer == null ? " and its partner has not introduced itself since this node started"
                        : " and its partner is " + peer) + " (each node's name is its node.name, by default its host name)");
    }

    GenerationHistory discardLocal() {
        synchronized (node) {
            requireOpen();
            if (node.role() == Role.PRIMARY) {
                throw new IllegalStateException("this node is the primary; the node whose data is discarded must be"
                        + " the target of the copy: restart it with mirror.role = secondary first");
            }
            Channel p = node.primaryLink();
            if (p != null && p.isActive()) {
                throw new IllegalStateException("the primary " + p.remoteAddress() + " is connected: there is no"
                        + " conflict to resolve");
            }
            return node.splitBrain.discardLocal();
        }
    }

    /** The survivor's half of {@link #resolve}: only a primary can make its partner a copy of itself. */
    private GenerationHistory orderPeerDiscarded(String peer) {
        synchronized (node) {
            requireOpen();
            if (node.role() != Role.PRIMARY) {
                throw new IllegalStateException(peer + " is this node's primary: its data cannot be discarded while it"
                        + " is the source of the pair. Restart " + peer + " with mirror.role = secondary, promote this"
                        + " node (`target-server.jar promote`), then run `target-server.jar resolve --discard " + peer
                        + "` again, against either node");
            }
            return node.splitBrain.orderPeerDiscarded(peer, node.replicator().linked(), node.state());
        }
    }

    CompletableFuture<ScrubReport> verify() {
        synchronized (node) {
            requirePrimaryInSync("verify runs on the primary; this node is the secondary",
                    ": a comparison needs the secondary connected and in sync");
            return node.scrubs.scrubNow(node.mirrored());
        }
    }

    CompletableFuture<ChecksumResync.Result> resyncNow() {
        Replicator r;
        MirroredVolume mirrored;
        PeerHashComparison peer;
        synchronized (node) {
            requirePrimaryInSync("a resync runs on the primary; this node is the secondary",
                    ": a resync needs the secondary connected (a reconnect resyncs by itself)");
            peer = node.primarySide() == null ? null : node.primarySide().hashes();
            r = node.replicator();
            if (peer == null) {
                throw new IllegalStateException(notInSync(r, ": a resync needs the secondary connected (a reconnect"
                        + " resyncs by itself)"));
            }
            mirrored = node.mirrored();
        }
        return node.resyncs.resyncNow(r, mirrored, peer);
    }

    private void requirePrimaryInSync(String onSecondary, String why) {
        if (node.role() != Role.PRIMARY) {
            throw new IllegalStateException(onSecondary);
        }
        Replicator r = node.replicator();
        if (r.state() != PairState.IN_SYNC) {
            throw new IllegalStateException(notInSync(r, why));
        }
    }

    private static String notInSync(Replicator r, String why) {
        return "the pair is " + r.state().name().toLowerCase(Locale.ROOT) + why;
    }

    private void requireOpen() {
        if (node.closed()) {
            throw new IllegalStateException("the pair node is closed");
        }
    }
}
