package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import net.twinblock.mirror.resync.ChecksumResync;
import net.twinblock.mirror.resync.GenerationHistory;
import net.twinblock.mirror.resync.ScrubReport;

/**
 * An administrator's operations on a pair node (promote, resolve a split brain, verify,
 * resync): when each is allowed, what the refusal says, and what it changes, for every volume
 * of the node. A promotion is all or nothing: every volume is checked before any changes, so a
 * node never serves some LUNs as primary and others as secondary. The checks and the node's
 * role state are read under the node's lock, the one that role changes take. {@link PairNode}
 * documents each operation.
 */
final class PairAdmin {

    private static final Logger LOG = System.getLogger(PairAdmin.class.getName());

    private final PairNode node;

    PairAdmin(PairNode node) {
        this.node = node;
    }

    void promote(boolean force) {
        if (node.gate.waiting()) {
            if (!force) {
                throw new IllegalStateException("this node is the primary but waits for its partner to confirm it holds"
                        + " no newer data; promote --force serves without that confirmation (if the partner was"
                        + " promoted meanwhile, that is a split brain)");
            }
            node.gate.confirmByAdministrator();
            return;
        }
        Quorum q = node.quorum();
        if (q != null && node.role() == Role.SECONDARY) {
            // The witness must know of a promotion, or this node would hold no lease and serve nothing.
            q.promoteAtWitness(force);
            if (force) {
                node.gate.forced();
            }
        }
        promoteGranted(force);
    }

    /** The witness granted this node the primary role (see {@link Quorum}): promote, unforced. */
    void promoteGranted() {
        promoteGranted(false);
    }

    private void promoteGranted(boolean force) {
        synchronized (node) {
            requireOpen();
            if (node.role() == Role.PRIMARY) {
                throw new IllegalStateException("this node is already the primary");
            }
            for (PairVolume v : node.volumes()) {
                Channel p = v.primaryLink();
                if (p != null && p.isActive()) {
                    throw new IllegalStateException("cannot promote: the primary " + p.remoteAddress()
                            + " is still connected (LUN " + v.number() + "); stop it or cut the mirror link first"
                            + " (two primaries would split the data)");
                }
            }
            List<String> inconsistent = new ArrayList<>();
            for (PairVolume v : node.volumes()) {
                PairMetadata.Resync unfinished = v.volume.meta.get().resync();
                if (unfinished != null) {
                    inconsistent.add("LUN " + v.number() + ": " + describe(v.volume, unfinished));
                }
            }
            if (!inconsistent.isEmpty() && !force) {
                throw new IllegalStateException("cannot promote: this copy is inconsistent: "
                        + String.join("; ", inconsistent) + "; bring the primary back, or promote --force to serve it"
                        + " anyway (acknowledged writes may be missing)");
            }
            if (!inconsistent.isEmpty()) {
                LOG.log(Level.WARNING, "promoting an INCONSISTENT copy on an administrator''s --force: {0}; hosts"
                        + " may read data older than writes they saw completed", String.join("; ", inconsistent));
            }
            node.roles.stopSecondary();
            List<String> generations = new ArrayList<>();
            for (PairVolume v : node.volumes()) {
                generations.add("LUN " + v.number() + " generation " + v.newGeneration());
            }
            LOG.log(Level.WARNING, "promoted to PRIMARY: {0}", String.join(", ", generations));
            node.roles.startPromoted();
        }
        node.roles.changed(Role.PRIMARY);
    }

    void demote(boolean force) {
        synchronized (node) {
            requireOpen();
            if (node.role() != Role.PRIMARY) {
                throw new IllegalStateException("this node is already a secondary");
            }
            requireListen();
            if (!force) {
                requirePrimaryInSync("", ": demoting now would leave no up-to-date node to promote; demote --force"
                        + " does it anyway");
            }
            node.roles.stopPrimary(force ? "an administrator's demote --force" : "an administrator's demote", false);
        }
        node.roles.changed(Role.SECONDARY);
    }

    /**
     * The witness names another node primary at a newer epoch: this node lost quorum (its lease
     * ran out, so it has acknowledged nothing since) and rejoins as that node's secondary.
     */
    void demoteFenced(String primary, long epoch, boolean wroteAlone) {
        synchronized (node) {
            if (node.closed() || node.role() != Role.PRIMARY) {
                return;
            }
            if (node.config().listen() == null) {
                LOG.log(Level.ERROR, "the witness names {0} primary at epoch {1}: this node stays fenced (serves"
                        + " nothing) and cannot rejoin as secondary without mirror.listen", primary, epoch);
                return;
            }
            node.roles.stopPrimary("the witness names " + primary + " primary at epoch " + epoch, !wroteAlone);
        }
        node.roles.changed(Role.SECONDARY);
    }

    private void requireListen() {
        if (node.config().listen() == null) {
            throw new IllegalStateException("a secondary listens on mirror.listen for its primary, and this node has"
                    + " none: set mirror.listen and restart it as secondary instead");
        }
    }

    private static String describe(VolumeState v, PairMetadata.Resync r) {
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
                    + " `twinblock resolve --discard-local` against the node whose data is dropped");
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

    /** Drops the data of each volume in split brain, or of every volume when none is (the administrator's call). */
    SortedMap<Integer, GenerationHistory> discardLocal() {
        synchronized (node) {
            requireOpen();
            if (node.role() == Role.PRIMARY) {
                throw new IllegalStateException("this node is the primary; the node whose data is discarded must be"
                        + " the target of the copy: restart it with mirror.role = secondary first");
            }
            for (PairVolume v : node.volumes()) {
                Channel p = v.primaryLink();
                if (p != null && p.isActive()) {
                    throw new IllegalStateException("the primary " + p.remoteAddress() + " is connected (LUN "
                            + v.number() + "): there is no conflict to resolve");
                }
            }
            List<PairVolume> split = node.volumes().stream().filter(v -> v.splitBrain.state.active()).toList();
            SortedMap<Integer, GenerationHistory> done = new TreeMap<>();
            for (PairVolume v : split.isEmpty() ? node.volumes() : split) {
                done.put(v.number(), v.splitBrain.discardLocal());
            }
            return done;
        }
    }

    /** The survivor's half of {@link #resolve}: only a primary can make its partner a copy of itself. */
    private SortedMap<Integer, GenerationHistory> orderPeerDiscarded(String peer) {
        synchronized (node) {
            requireOpen();
            if (node.role() != Role.PRIMARY) {
                throw new IllegalStateException(peer + " is this node's primary: its data cannot be discarded while it"
                        + " is the source of the pair. Restart " + peer + " with mirror.role = secondary, promote this"
                        + " node (`twinblock promote`), then run `twinblock resolve --discard " + peer
                        + "` again, against either node");
            }
            SortedMap<Integer, GenerationHistory> done = new TreeMap<>();
            IllegalStateException none = null;
            for (PairVolume v : node.volumes()) {
                try {
                    done.put(v.number(), v.splitBrain.orderPeerDiscarded(peer, v.replicator().linked(),
                            v.status().state()));
                } catch (IllegalStateException e) {
                    none = none == null ? e : none; // this volume is not in split brain: nothing to order
                }
            }
            if (done.isEmpty()) {
                throw none;
            }
            return done;
        }
    }

    CompletableFuture<SortedMap<Integer, ScrubReport>> verify() {
        synchronized (node) {
            requirePrimaryInSync("verify runs on the primary; this node is the secondary",
                    ": a comparison needs the secondary connected and in sync");
            for (PairVolume v : node.volumes()) { // before any scrub starts: all or none
                String why = v.scrubs.refusal();
                if (why != null) {
                    throw new IllegalStateException(why);
                }
            }
            return allOf(v -> v.scrubs.scrubNow(v.mirrored()));
        }
    }

    CompletableFuture<SortedMap<Integer, ChecksumResync.Result>> resyncNow() {
        synchronized (node) {
            requirePrimaryInSync("a resync runs on the primary; this node is the secondary",
                    ": a resync needs the secondary connected (a reconnect resyncs by itself)");
            for (PairVolume v : node.volumes()) {
                if (v.primarySide() == null || v.primarySide().hashes() == null) {
                    throw new IllegalStateException(notInSync(v, ": a resync needs the secondary connected (a"
                            + " reconnect resyncs by itself)"));
                }
            }
            return allOf(v -> v.resyncs.resyncNow(v.replicator(), v.mirrored(), v.primarySide().hashes()));
        }
    }

    /** Starts {@code run} on every volume; completes with each result by number, or the first failure. */
    private <T> CompletableFuture<SortedMap<Integer, T>> allOf(Function<PairVolume, CompletableFuture<T>> run) {
        SortedMap<Integer, CompletableFuture<T>> started = new TreeMap<>();
        for (PairVolume v : node.volumes()) {
            started.put(v.number(), run.apply(v));
        }
        return CompletableFuture.allOf(started.values().toArray(CompletableFuture[]::new)).thenApply(x -> {
            SortedMap<Integer, T> results = new TreeMap<>();
            started.forEach((n, f) -> results.put(n, f.join()));
            return results;
        });
    }

    private void requirePrimaryInSync(String onSecondary, String why) {
        if (node.role() != Role.PRIMARY) {
            throw new IllegalStateException(onSecondary);
        }
        for (PairVolume v : node.volumes()) {
            if (v.replicator().state() != PairState.IN_SYNC) {
                throw new IllegalStateException(notInSync(v, why));
            }
        }
    }

    private static String notInSync(PairVolume v, String why) {
        return "the pair is " + v.replicator().state().name().toLowerCase(Locale.ROOT) + " (LUN " + v.number() + ")"
                + why;
    }

    private void requireOpen() {
        if (node.closed()) {
            throw new IllegalStateException("the pair node is closed");
        }
    }
}
