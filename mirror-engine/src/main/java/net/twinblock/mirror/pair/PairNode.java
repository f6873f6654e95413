package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerFrameDecoder;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.link.WriteFramer;
import net.twinblock.mirror.record.ReadGate;
import net.twinblock.mirror.record.WriteIntent;
import net.twinblock.mirror.resync.ChecksumResync;
import net.twinblock.mirror.resync.GenerationHistory;
import net.twinblock.mirror.resync.ResyncProgress;
import net.twinblock.mirror.resync.ScrubReport;
import net.twinblock.mirror.resync.ScrubSettings;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.LowPriorityThreads;
import net.twinblock.mirror.store.Volume;

/**
 * One node of the pair: what the server starts, exports and asks for status. A primary mirrors
 * every write to its secondary ({@link MirroredVolume}) and connects to mirror.peer; a secondary
 * listens on mirror.listen, applies what its primary sends and forwards host writes to it
 * ({@link SecondaryVolume}). {@link #promote()} turns a secondary whose primary is gone into
 * the primary.
 *
 * <p>The facade over the node's parts, and the owner of its role: what this copy knows
 * ({@link VolumeState}), what each end does with a link ({@link PrimaryLinkSide},
 * {@link SecondaryLinkSide}, {@link LinkPipeline}), the primary's resyncs and scrubs
 * ({@link ResyncCoordinator}, {@link ScrubControl}), split brains ({@link SplitBrainResolver}),
 * the administrator's operations ({@link PairAdmin}) and the counters ({@link PairMetrics}).
 * About 500 lines, a quarter of them the documentation of the server's API; the work is in the parts.
 *
 * <p>The node does not own the local {@link FileVolume} (the caller opened it and closes it after
 * {@link #close()}), nor the event loop group.
 */
public final class PairNode implements AutoCloseable {

    private static final Logger LOG = System.getLogger(PairNode.class.getName());

    /** Not final: promotion switches a SUSPEND policy to CONTINUE (see {@link #startPromoted()}). */
    private volatile PairConfig cfg;
    final VolumeState volume;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> clientChannel;
    private final ExecutorService metaIo;
    private final PeerAuth auth;
    private final Supplier<PeerIdentity> identity;
    private final List<Consumer<Role>> roleListeners = new CopyOnWriteArrayList<>();
    private final RoleVolume exported = new RoleVolume(this);
    final PairMetrics.LinkCounters counters = new PairMetrics.LinkCounters();
    /** Checksum resyncs hash here on both nodes: nice, so host commands go first. */
    private final ScheduledExecutorService scanThread;
    /** Scrubs: optional work, so SCHED_IDLE (a checksum resync restores redundancy and keeps nice 10). */
    private final ScheduledExecutorService scrubThread;
    final ResyncCoordinator resyncs;
    final ScrubControl scrubs;
    final SplitBrainResolver splitBrain;
    private final PairAdmin admin = new PairAdmin(this);

    private volatile Role role;
    private volatile boolean closed;
    // primary side
    private Replicator replicator;
    private RecordSender recordSender;
    private PeerClient client;
    private volatile PrimaryLinkSide primarySide;
    // secondary side
    private volatile PeerServer server;
    private SecondaryVolume secondary;

    private PairNode(PairConfig cfg, FileVolume local, EventLoopGroup group, Class<? extends ServerChannel> serverChannel,
            Class<? extends Channel> clientChannel, PairOptions options) {
        this.cfg = cfg;
        this.group = group;
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.metaIo = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pair-metadata " + local.file().getFileName());
            t.setDaemon(true);
            return t;
        });
        PairMetadata meta = PairMetadata.open(PairMetadata.fileFor(local.file()), options.volumeCreated(), metaIo);
        this.volume = new VolumeState(local, meta, options.record(), options.divergence());
        this.auth = new PeerAuth(cfg.secret());
        this.scanThread = Executors.newSingleThreadScheduledExecutor(
                new LowPriorityThreads("pair-scan " + local.file().getFileName(), LowPriorityThreads.Level.NICE));
        this.scrubThread = Executors.newSingleThreadScheduledExecutor(
                new LowPriorityThreads("pair-scrub " + local.file().getFileName(), LowPriorityThreads.Level.IDLE));
        this.scrubs = new ScrubControl(volume, scrubThread, () -> {
            PrimaryLinkSide side = primarySide;
            return side == null ? null : side.hashes();
        });
        this.resyncs = new ResyncCoordinator(volume, scanThread, scrubs::settings);
        this.splitBrain = new SplitBrainResolver(volume);
        this.identity = () -> volume.identity(this.cfg.nodeName());
    }

    /** {@link #start(PairConfig, FileVolume, EventLoopGroup, Class, Class, PairOptions)} with default hooks. */
    public static PairNode start(PairConfig cfg, FileVolume local, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel) {
        return start(cfg, local, group, serverChannel, clientChannel, PairOptions.defaults());
    }

    /**
     * Starts the node in its configured role: a secondary binds mirror.listen (and throws if it
     * cannot), a primary starts connecting to mirror.peer in the background. Blocking (metadata
     * file, bind): call at startup, not on an event loop.
     */
    public static PairNode start(PairConfig cfg, FileVolume local, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel, PairOptions options) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(local, "local");
        PairNode node = new PairNode(cfg, local, group, serverChannel, clientChannel, options);
        PairMetadata meta = node.volume.meta;
        try {
            node.volume.markRunning();
            // A scan cursor is only good with the outage bitmap of the process that saved it: writes
            // made without the secondary since then, behind the cursor, were marked only there.
            Files.deleteIfExists(node.volume.cursorFile());
            if (cfg.role() == Role.PRIMARY && meta.get().generations().isNone()) {
                // The data of a primary without a generation becomes the pair's first one.
                meta.update(m -> m.withGenerations(m.generations().firstGeneration())).join();
            }
            if (cfg.role() == Role.PRIMARY) {
                node.becomePrimary();
            } else {
                node.becomeSecondary();
            }
        } catch (IOException e) {
            node.close();
            throw new UncheckedIOException("cannot remove the stale scan cursor " + node.volume.cursorFile(), e);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        LOG.log(Level.INFO, "pair node started as {0} for {1} (volume id {2}, generation {3})", cfg.role(),
                local.file(), meta.get().volumeId(), meta.get().generation());
        return node;
    }

    // ---- what the server uses ----

    /**
     * The volume to export. Stable across promotion: it delegates to the mirrored volume while
     * primary and to the forwarding volume while secondary.
     */
    public Volume volume() {
        return exported;
    }

    public Role role() {
        return role;
    }

    public PairState state() {
        return status().state();
    }

    public synchronized PairStatus status() {
        long size = volume.local.size();
        if (role == Role.PRIMARY) {
            PairState s = replicator.state();
            ResyncProgress checksum = resyncs.checksumProgress();
            if (s == PairState.SYNCING && checksum != null) {
                return new PairStatus(role, s, replicator.peer(), size - checksum.bytesRemaining(), size);
            }
            ResyncProgress bitmap = resyncs.bitmapProgress();
            if (s == PairState.SYNCING && bitmap != null) {
                return new PairStatus(role, s, replicator.peer(), bitmap.bytesDone(),
                        bitmap.bytesDone() + bitmap.bytesRemaining());
            }
            if (splitBrain.state.active() && !replicator.linked()) {
                s = PairState.SPLIT_BRAIN;
            }
            InitialCopy c = resyncs.initialCopy();
            boolean copying = s == PairState.SYNCING && c != null;
            return new PairStatus(role, s, replicator.peer(), copying ? c.done.get() : 0, copying ? c.total : 0);
        }
        Channel p = primaryLink();
        PairState s = p == null ? (splitBrain.state.active() ? PairState.SPLIT_BRAIN : PairState.CONNECTING)
                : volume.syncing ? PairState.SYNCING
                : volume.inSync ? PairState.IN_SYNC : PairState.CONNECTING; // linked, SYNC_STATE not in yet
        return new PairStatus(role, s, p == null ? null : String.valueOf(p.remoteAddress()), 0, 0);
    }

    /** Where a secondary listens (port 0 resolved); null on a primary. */
    public synchronized InetSocketAddress listenAddress() {
        return server == null ? null : server.localAddress();
    }

    /** Called (on the promoting thread) after every role change, e.g. to flip ALUA port states. */
    public void onRoleChange(Consumer<Role> listener) {
        roleListeners.add(listener);
    }

    /** The pair's metadata as this node knows it (volume id, node id, generation, flags). */
    public PairMetadata.Meta metadata() {
        return volume.meta.get();
    }

    /** {@link #promote(boolean)} without force: an inconsistent copy is refused. */
    public void promote() {
        promote(false);
    }

    /**
     * Makes this secondary the primary: refused while its primary is still connected (two
     * primaries would split the data), and, unless {@code force}, while this copy is the target
     * of an unfinished resync (see {@link PairMetadata.Meta#consistent()}): it would serve a half-copied
     * image. Stops listening, bumps the data generation durably (a returning old primary then sees
     * it is behind), and starts mirroring towards mirror.peer, where the old primary can rejoin as
     * secondary. Blocking: not on an event loop.
     *
     * @param force promote an inconsistent copy anyway (the administrator accepts missing writes)
     * @throws IllegalStateException if this node is the primary already, its primary is connected,
     *         or its copy is inconsistent and not forced
     */
    public void promote(boolean force) {
        admin.promote(force);
    }

    /** Counters for the admin endpoint. */
    public Map<String, Long> metrics() {
        return PairMetrics.of(this);
    }

    /**
     * The primary's write-ordering lock: every host write holds its range until both nodes have
     * it. A resync or repair copy takes the same lock so an older copy never lands after a newer
     * write. Null on a secondary; a new lock after promotion, so ask again after a role change.
     */
    public RangeLock ranges() {
        MirroredVolume m = mirrored();
        return m == null ? null : m.ranges();
    }

    /**
     * scrub.* and resync.checksum. Call right after start; a primary then scrubs on scrub.interval
     * (if set) and on {@link #verify()}.
     */
    public void configureScrub(ScrubSettings settings) {
        Objects.requireNonNull(settings, "settings");
        synchronized (this) {
            scrubs.configure(settings, role == Role.PRIMARY && !closed ? mirrored() : null);
        }
    }

    /** resync.max-rate (0: unlimited); applies to checksum resyncs that start after the call. */
    public void configureResyncRate(long bytesPerSecond) {
        resyncs.rate(bytesPerSecond);
    }

    /**
     * An administrator's checksum resync of a pair that looks in sync (e.g. after a disk was
     * replaced under the secondary): both nodes hash every region, and the blocks that differ
     * are copied from this primary under the write path's range lock while host writes go on.
     * Not restartable (it starts from region 0 each time); resync.max-rate applies.
     *
     * @throws IllegalStateException on a secondary, without an in-sync link, or while one runs
     */
    public CompletableFuture<ChecksumResync.Result> resyncNow() {
        return admin.resyncNow();
    }

    /**
     * Compares both copies now (scrub.max-rate applies) and reports the blocks that differ; with
     * scrub.repair, copies this node's blocks over them. Only on a primary with its secondary in sync.
     *
     * @throws IllegalStateException on a secondary, or without an in-sync link
     */
    public CompletableFuture<ScrubReport> verify() {
        return admin.verify();
    }

    /**
     * The administrator's answer to a split brain, run on the node whose data loses: its data
     * generation is dropped (its copy counts as holding nothing known), so the next link with the
     * partner makes it the target of a full copy, and what it alone wrote is overwritten. Only
     * on a secondary without a link (restart the losing node as secondary first). Blocking.
     *
     * @return the generations after the change, for the administrator's record
     * @throws IllegalStateException on a primary or while linked
     */
    public GenerationHistory discardLocal() {
        return admin.discardLocal();
    }

    /**
     * {@code resolve --discard NAME}, run against either node of a refused pair: NAME this node
     * is {@link #discardLocal()}; NAME the partner keeps the administrator's order here, and the
     * next handshake makes the partner discard its data (see {@link DiscardOrder}). Blocking.
     *
     * @return what was done, for the administrator's record
     * @throws IllegalArgumentException if NAME is neither node, or both nodes have the same name
     * @throws IllegalStateException if the state does not allow it (the message says what to run where)
     */
    public Resolution resolve(String name) {
        return admin.resolve(name);
    }

    /**
     * What {@link #resolve} did: {@code local} true if this node's data was discarded now, false if
     * {@code node}'s data is discarded at its next connection to this node. {@code generations}:
     * the discarded node's generations (this node's after the discard, or the partner's as last seen).
     */
    public record Resolution(String node, boolean local, GenerationHistory generations) {
    }

    /** This node's name (node.name), as its partner and an administrator know it. */
    public String nodeName() {
        return cfg.nodeName();
    }

    /** The partner's name as it last introduced itself at a handshake; null if none since this node started. */
    public String peerName() {
        return splitBrain.state.peerName();
    }

    /** Both sides of a standing split brain (or unrelated data), for status; null if there is none. */
    public SplitBrainStatus splitBrain() {
        return splitBrain.status(cfg.nodeName());
    }

    /**
     * Ends the link and fails what still waits for it (retryable). Does not close the local
     * volume or the event loop group. Blocking: not on an event loop.
     */
    @Override
    public void close() {
        PeerClient c;
        PeerServer s;
        Replicator r;
        SecondaryVolume sv;
        RecordSender rs;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            c = client;
            s = server;
            r = replicator;
            sv = secondary;
            rs = recordSender;
        }
        if (r != null) {
            r.close(); // first: what waits fails as "closing", rather than degrading when the link drops
        }
        if (rs != null) {
            rs.close();
        }
        if (c != null) {
            c.close();
        }
        if (s != null) {
            s.close();
        }
        if (sv != null) {
            sv.linkDown();
        }
        volume.record.close();
        scrubs.close();
        resyncs.close(); // a checksum resync's cursor is saved, but only this process may resume it (see start)
        scanThread.shutdown();
        scrubThread.shutdown();
        volume.markStopped();
        metaIo.shutdown();
        try {
            if (!metaIo.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "pair metadata writes still running at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- roles ----

    private synchronized void becomePrimary() {
        // One mirror.on-peer-loss for data and record updates alike; each sender on its own event loop.
        PeerLossPolicy onPeerLoss = new PeerLossPolicy(cfg.onPeerLoss(), cfg.suspendTimeout());
        Replicator r = new Replicator(new WriteFramer(cfg.smallWriteThreshold(), PeerFrameDecoder.DEFAULT_MAX_PAYLOAD),
                onPeerLoss, volume.divergence, volume.meta, group.next());
        RecordSender records = new RecordSender(onPeerLoss, group.next(), volume.record::snapshot);
        FileVolume local = volume.local;
        WriteIntent intent = volume.record.becomePrimary(records::send,
                () -> MirroredVolume.flushBoth(local, r));
        MirroredVolume mirrored = new MirroredVolume(local, r, new RangeLock(), intent, volume.divergence, volume.meta);
        recordSender = records;
        replicator = r;
        exported.follow(mirrored);
        role = Role.PRIMARY;
        if (cfg.peer() == null) {
            LOG.log(Level.WARNING, "primary without mirror.peer: writes follow mirror.on-peer-loss {0}",
                    cfg.onPeerLoss());
            return;
        }
        PrimaryLinkSide side = new PrimaryLinkSide(volume, mirrored, records, resyncs, splitBrain,
                counters.forwardedServed);
        primarySide = side;
        client = new PeerClient(cfg.peer(), group, clientChannel, auth, cfg.heartbeat(), counters.peerSilence,
                identity, side);
        client.start();
    }

    private synchronized void becomeSecondary() {
        StatusQueries queries = new StatusQueries(this::primaryLink);
        ReadGate gate = volume.record.becomeSecondary(queries::ask);
        SecondaryVolume sv = new SecondaryVolume(volume.local, this::primaryLink,
                () -> primaryLink() != null && volume.inSync, gate);
        SecondaryLinkSide side = new SecondaryLinkSide(volume, sv, queries, splitBrain, counters, scanThread,
                scrubThread);
        secondary = sv;
        server = new PeerServer(cfg.listen(), group, serverChannel, auth, cfg.heartbeat(), counters.peerSilence,
                identity, side);
        exported.follow(sv);
        role = Role.SECONDARY;
        server.bind();
    }

    /** Promotion, first half: this secondary stops listening and its forwarding volume fails what waits. */
    synchronized void stopSecondary() {
        server.close();
        server = null;
        secondary.linkDown();
    }

    /**
     * Promotion, second half: serve as the primary, mirroring towards mirror.peer, and scrub if
     * configured. Promotion is the admin saying the old primary is gone. SUSPEND exists so that a
     * primary never acknowledges a write its partner might be missing while that partner could
     * still be serving; after promotion that risk is the generations' job (a returning old
     * primary is behind, or in split brain, and is refused or resynced). Holding host writes here
     * would turn the failover into an outage until the old primary returns, so the promoted node
     * serves alone and tracks what changed.
     */
    synchronized void startPromoted() {
        if (cfg.onPeerLoss() == OnPeerLoss.SUSPEND) {
            LOG.log(Level.WARNING, "promoted node serves alone until a secondary joins:"
                    + " mirror.on-peer-loss SUSPEND becomes CONTINUE for this run");
            cfg = cfg.withOnPeerLoss(OnPeerLoss.CONTINUE, cfg.suspendTimeout());
        }
        becomePrimary();
        scrubs.becamePrimary(mirrored()); // periodic scrubs are the primary's job, now this node's
    }

    void roleChanged(Role now) {
        for (Consumer<Role> l : roleListeners) {
            l.accept(now);
        }
    }

    // ---- for the node's parts (PairAdmin, PairMetrics, RoleVolume), besides its final fields ----

    boolean closed() {
        return closed;
    }

    /** The secondary's authenticated primary; null on a primary or without a link. Event loops call it: no lock. */
    Channel primaryLink() {
        PeerServer s = server;
        return s == null ? null : s.primary();
    }

    synchronized Replicator replicator() {
        return replicator;
    }

    /** The primary's mirrored volume; null on a secondary. */
    MirroredVolume mirrored() {
        return exported.current() instanceof MirroredVolume m ? m : null;
    }

    PrimaryLinkSide primarySide() {
        return primarySide;
    }

    SecondaryVolume secondaryVolume() {
        return secondary;
    }
}
