package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.LinkSide.PEER_GENERATIONS;
import static net.twinblock.mirror.pair.LinkSide.PEER_NAME;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import io.netty.buffer.PooledByteBufAllocator;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerFrameDecoder;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.link.PeerSilence;
import net.twinblock.mirror.link.RecordUpdate;
import net.twinblock.mirror.link.WakeupCounter;
import net.twinblock.mirror.link.WriteAssembler;
import net.twinblock.mirror.link.WriteFramer;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.LowPriorityThreads;
import net.twinblock.mirror.store.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import net.twinblock.mirror.resync.BlockCopier;
import net.twinblock.mirror.resync.BlockHasher;
import net.twinblock.mirror.resync.ChecksumResync;
import net.twinblock.mirror.resync.ChecksumScanner;
import net.twinblock.mirror.resync.CopyLock;
import net.twinblock.mirror.resync.GenerationHistory;
import net.twinblock.mirror.resync.HashComparison;
import net.twinblock.mirror.resync.ScanCursor;
import net.twinblock.mirror.resync.ScanGeometry;
import net.twinblock.mirror.resync.ScrubReport;
import net.twinblock.mirror.resync.ScrubSettings;
import net.twinblock.mirror.resync.Scrubber;
import net.twinblock.mirror.resync.TokenBucket;
import net.twinblock.mirror.resync.OutageBitmap;
import net.twinblock.mirror.resync.RegionResync;
import net.twinblock.mirror.resync.RegionSink;
import net.twinblock.mirror.resync.ResyncProgress;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.mirror.record.WriteIntent;
import net.twinblock.mirror.record.ReadGate;
import net.twinblock.mirror.record.PairRecord;
import net.twinblock.mirror.resync.DivergenceTracker;

/**
 * One node of the pair: what the server starts, exports and asks for status. A primary mirrors
 * every write to its secondary ({@link MirroredVolume}) and connects to mirror.peer; a secondary
 * listens on mirror.listen, applies what its primary sends and forwards host writes to it
 * ({@link SecondaryVolume}). {@link #promote()} turns a secondary whose primary is gone into
 * the primary.
 *
 * <p>The node does not own the local {@link FileVolume} (the caller opened it and closes it after
 * {@link #close()}), nor the event loop group.
 */
public final class PairNode implements AutoCloseable {

    private static final Logger LOG = System.getLogger(PairNode.class.getName());
    /**
     * How a bitmap resync copies: up to 256 KiB of adjacent marked regions per write (fewer frames
     * and syscalls on both nodes; larger gained nothing measurable on loopback), 8 such writes at
     * once (enough to fill the link, at most 2 MiB queued ahead of a host write), and no FUA: one
     * FLUSH of the secondary per 16 MiB copied makes them durable, instead of an fdatasync per region.
     */
    private static final RegionResync.Limits RESYNC_LIMITS = new RegionResync.Limits(8, 256 << 10, 16L << 20);

    /** Not final: promotion switches a SUSPEND policy to CONTINUE (see {@link #promote()}). */
    private volatile PairConfig cfg;
    private final FileVolume local;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> clientChannel;
    private final PairOptions options;
    private final ExecutorService metaIo;
    private final PairMetadata meta;
    private final PeerAuth auth;
    private final Supplier<PeerIdentity> identity;
    private final List<Consumer<Role>> roleListeners = new CopyOnWriteArrayList<>();
    private final Volume exported = new Exported();
    // predictive record
    private final PairRecord record;
    /** This node crashed and its valid record bounds what may differ; cleared once resynchronised. */
    private volatile boolean recovering;
    /**
     * Secondary: this process received SYNC_STATE "not in sync" and no "in sync" since, so it is
     * the unfinished target of a resync and (being the same process) lost nothing it acknowledged.
     * In memory only: a restart, crashed or clean, starts without it. See {@link #plan}.
     */
    private volatile boolean resyncTarget;
    /** Secondary: the furthest byte a write reached since the primary's last "not in sync" (resync progress). */
    private final AtomicLong resyncReach = new AtomicLong();
    /** Primary: the secondary whose bitmap resync the last link started, until another plan replaces it. */
    private volatile BitmapTarget bitmapTarget;
    /** Primary: completes when the last bitmap resync has ended (see {@link #resyncBitmap}). */
    private final AtomicReference<CompletableFuture<Void>> bitmapResyncEnded =
            new AtomicReference<>(CompletableFuture.completedFuture(null));
    private final LongAdder recordResyncBytes = new LongAdder();
    private final LongAdder recordResyncCopied = new LongAdder();
    private RecordSender recordSender;

    private final WakeupCounter wakeups = new WakeupCounter();
    /** The longest the partner went quiet on any link, against the 3 heartbeats that end one. */
    private final PeerSilence peerSilence = new PeerSilence();
    private final LongAdder applied = new LongAdder();
    private final LongAdder flushesReceived = new LongAdder();
    private final LongAdder forwardedServed = new LongAdder();
    /** Bitmap resyncs: what the last one had to copy and what all of them copied. */
    private final LongAdder resyncBytesCopied = new LongAdder();
    private final LongAdder resyncRegionsCopied = new LongAdder();
    private volatile long lastResyncRegionsMarked;
    private volatile ResyncProgress lastResync;
    private volatile RegionResync resync;
    /** Checksum resyncs and scrubs: their settings, thread, the running scan and the current link's comparison. */
    private volatile ScrubSettings scrubSettings = ScrubSettings.defaults();
    /** resync.max-rate: read rate of a checksum resync in bytes per second, 0 for unlimited. */
    private volatile long resyncRate;
    private final ScheduledExecutorService scanThread;
    /** Scrubs: optional work, so SCHED_IDLE (a checksum resync restores redundancy and keeps nice 10). */
    private final ScheduledExecutorService scrubThread;
    private volatile ChecksumResync checksum;
    /** Completes once the last checksum resync started has ended (its cursor saved). */
    private volatile CompletableFuture<Void> checksumEnded = CompletableFuture.completedFuture(null);
    private volatile PeerHashComparison scanPeer;
    private Scrubber scrubber;
    private final LongAdder checksumBlocksDiffering = new LongAdder();
    private final LongAdder checksumBlocksCopied = new LongAdder();
    private final LongAdder checksumRegionsScanned = new LongAdder();
    private volatile long lastChecksumStartRegion;
    /** The partner as last seen at a handshake, and a split brain with it until a link comes up. */
    private final SplitBrain splitBrain = new SplitBrain();
    /** Completes once a discard the primary ordered at the handshake is durable; mirror writes wait for it. */
    private volatile CompletableFuture<Void> discardDurable = CompletableFuture.completedFuture(null);

    private volatile Role role;
    private volatile Volume current;
    private volatile boolean closed;
    // primary side
    private Replicator replicator;
    private PeerClient client;
    private volatile InitialCopy copy;
    // secondary side
    private PeerServer server;
    private SecondaryVolume secondary;
    private volatile boolean secondarySyncing;
    /** Set by the primary's SYNC_STATE "in sync" on the current link; any other news clears it. */
    private volatile boolean secondaryInSync;

    private PairNode(PairConfig cfg, FileVolume local, EventLoopGroup group, Class<? extends ServerChannel> serverChannel,
            Class<? extends Channel> clientChannel, PairOptions options) {
        this.cfg = cfg;
        this.local = local;
        this.group = group;
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.options = options;
        this.metaIo = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pair-metadata " + local.file().getFileName());
            t.setDaemon(true);
            return t;
        });
        this.meta = PairMetadata.open(PairMetadata.fileFor(local.file()), options.volumeCreated(), metaIo);
        this.auth = new PeerAuth(cfg.secret());
        // Scans and scrubs hash on this thread on both nodes: nice, so host commands go first.
        this.scanThread = Executors.newSingleThreadScheduledExecutor(
                new LowPriorityThreads("pair-scan " + local.file().getFileName(), LowPriorityThreads.Level.NICE));
        this.scrubThread = Executors.newSingleThreadScheduledExecutor(
                new LowPriorityThreads("pair-scrub " + local.file().getFileName(), LowPriorityThreads.Level.IDLE));
        this.record = options.record();
        this.identity = () -> {
            PeerIdentity id = meta.get().identity(local.size(), local.blockSize());
            // On the link a node is its node.name: what an administrator names in resolve --discard.
            return new PeerIdentity(this.cfg.nodeName(), id.volumeId(), id.sizeBytes(), id.blockSize(),
                    id.generation(), id.flags() | (recovering ? PeerIdentity.FLAG_RECOVERING : 0)
                            | (resyncTarget ? PeerIdentity.FLAG_RESYNC_TARGET : 0));
        };
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
        try {
            node.markRunning();
            // A scan cursor is only good with the outage bitmap of the process that saved it: writes
            // made without the secondary since then, behind the cursor, were marked only there.
            Files.deleteIfExists(node.cursorFile());
            if (cfg.role() == Role.PRIMARY && node.meta.get().generations().isNone()) {
                // The data of a primary without a generation becomes the pair's first one.
                node.meta.update(m -> m.withGenerations(m.generations().firstGeneration())).join();
            }
            if (cfg.role() == Role.PRIMARY) {
                node.becomePrimary();
            } else {
                node.becomeSecondary();
            }
        } catch (java.io.IOException e) {
            node.close();
            throw new java.io.UncheckedIOException("cannot remove the stale scan cursor " + node.cursorFile(), e);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        LOG.log(Level.INFO, "pair node started as {0} for {1} (volume id {2}, generation {3})", cfg.role(),
                local.file(), node.meta.get().volumeId(), node.meta.get().generation());
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
        if (role == Role.PRIMARY) {
            InitialCopy c = copy;
            RegionResync rr = resync;
            PairState s = replicator.state();
            ChecksumResync cr = checksum;
            if (s == PairState.SYNCING && cr != null) {
                ResyncProgress p = cr.progress();
                return new PairStatus(role, s, replicator.peer(), local.size() - p.bytesRemaining(), local.size());
            }
            if (s == PairState.SYNCING && rr != null) {
                ResyncProgress p = rr.progress();
                return new PairStatus(role, s, replicator.peer(), p.bytesDone(), p.bytesDone() + p.bytesRemaining());
            }
            if (splitBrain.active() && !replicator.linked()) {
                s = PairState.SPLIT_BRAIN;
            }
            boolean copying = s == PairState.SYNCING && c != null;
            return new PairStatus(role, s, replicator.peer(), copying ? c.done.get() : 0, copying ? c.total : 0);
        }
        Channel p = server == null ? null : server.primary();
        PairState s = p == null ? (splitBrain.active() ? PairState.SPLIT_BRAIN : PairState.CONNECTING)
                : secondarySyncing ? PairState.SYNCING
                : secondaryInSync ? PairState.IN_SYNC : PairState.CONNECTING; // linked, SYNC_STATE not in yet
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
        return meta.get();
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
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the pair node is closed");
            }
            if (role == Role.PRIMARY) {
                throw new IllegalStateException("this node is already the primary");
            }
            Channel p = server.primary();
            if (p != null && p.isActive()) {
                throw new IllegalStateException("cannot promote: the primary " + p.remoteAddress()
                        + " is still connected; stop it or cut the mirror link first (two primaries would"
                        + " split the data)");
            }
            PairMetadata.Resync unfinished = meta.get().resync();
            if (unfinished != null && !force) {
                throw new IllegalStateException("cannot promote: this copy is inconsistent: " + describe(unfinished)
                        + "; bring the primary back, or promote --force to serve it anyway (acknowledged writes"
                        + " may be missing)");
            }
            if (unfinished != null) {
                LOG.log(Level.WARNING, "promoting an INCONSISTENT copy on an administrator''s --force: {0}; hosts"
                        + " may read data older than writes they saw completed", describe(unfinished));
            }
            server.close();
            server = null;
            secondary.linkDown();
            resyncTarget = false; // a primary is nobody's resync target
            long generation = meta.get().generation() + 1;
            // Not known identical to anyone any more; the old primary must take a copy to rejoin.
            // From here this node's data is a new generation its old primary never saw; the outage
            // bitmap counts what the old primary will lack when it rejoins.
            options.divergence().clear();
            meta.update(m -> m.withGeneration(generation).withClean(false).withResync(null)
                    .withGenerations(m.generations().newCurrent())).join();
            LOG.log(Level.WARNING, "promoted to PRIMARY: data generation is now {0}", generation);
            if (cfg.onPeerLoss() == OnPeerLoss.SUSPEND) {
                // Promotion is the admin saying the old primary is gone. SUSPEND exists so that a
                // primary never acknowledges a write its partner might be missing while that partner
                // could still be serving; after promotion that risk is the generations' job (a
                // returning old primary is behind, or in split brain, and is refused or resynced).
                // Holding host writes here would turn the failover into an outage until the old
                // primary returns, so the promoted node serves alone and tracks what changed.
                LOG.log(Level.WARNING, "promoted node serves alone until a secondary joins:"
                        + " mirror.on-peer-loss SUSPEND becomes CONTINUE for this run");
                cfg = cfg.withOnPeerLoss(OnPeerLoss.CONTINUE, cfg.suspendTimeout());
            }
            becomePrimary();
            if (scrubSettings.interval() != null) {
                scrubber().start(); // periodic scrubs are the primary's job, now this node's
            }
        }
        for (Consumer<Role> l : roleListeners) {
            l.accept(Role.PRIMARY);
        }
    }

    private String describe(PairMetadata.Resync r) {
        // The link is down (promote checked): a resync still counted here is the one it ended.
        int percent = secondarySyncing ? resyncPercent() : r.percent();
        return "a resync from " + r.primary() + (percent < 0 ? " was under way when the link was lost (how far it"
                + " got is not known)" : " was at " + percent + "% of the volume (the furthest it had written)"
                + " when the link was lost");
    }

    /** Counters for the admin endpoint. */
    public Map<String, Long> metrics() {
        Map<String, Long> m = new LinkedHashMap<>();
        PairStatus s = status();
        m.put("pair.primary", s.role() == Role.PRIMARY ? 1L : 0L);
        m.put("pair.link_up", s.peer() != null ? 1L : 0L);
        m.put("pair.in_sync", s.state() == PairState.IN_SYNC ? 1L : 0L);
        m.put("pair.generation", meta.get().generation());
        PairMetadata.Resync unfinished = meta.get().resync();
        m.put("pair.inconsistent", unfinished == null ? 0L : 1L);
        m.put("pair.inconsistent_resync_percent", unfinished == null ? 0L
                : secondarySyncing ? resyncPercent() : (long) unfinished.percent());
        Replicator r;
        synchronized (this) {
            r = replicator;
        }
        m.put("mirror.writes_mirrored", r == null ? 0 : r.mirrored.sum());
        m.put("mirror.writes_degraded", r == null ? 0 : r.degraded.sum());
        m.put("mirror.writes_failed", r == null ? 0 : r.failed.sum());
        m.put("mirror.ops_pending", r == null ? 0 : (long) r.pending());
        m.put("mirror.link_ups", r == null ? 0 : r.linkUps.sum());
        m.put("mirror.full_copies", r == null ? 0 : r.fullCopies.sum());
        m.put("pair.split_brain", splitBrain.active() && s.peer() == null ? 1L : 0L);
        m.put("resync.bitmap_resyncs", r == null ? 0 : r.bitmapResyncs.sum());
        OutageBitmap bm = bitmap();
        m.put("resync.regions_marked", bm == null ? 0 : bm.markedCount());
        m.put("resync.region_size_bytes", bm == null ? 0 : (long) bm.regionSize());
        m.put("resync.last_regions_marked", lastResyncRegionsMarked);
        m.put("resync.bytes_copied", resyncBytesCopied.sum());
        m.put("resync.regions_copied", resyncRegionsCopied.sum());
        RegionResync rr = resync;
        ResyncProgress p = rr != null ? rr.progress() : lastResync;
        m.put("resync.regions_done", p == null ? 0 : p.regionsDone());
        m.put("resync.regions_total", p == null ? 0 : p.regionsTotal());
        m.put("resync.rate_kib_per_second", p == null ? 0 : (long) (p.bytesPerSecond() / 1024));
        m.put("resync.eta_seconds", p == null || p.eta() == null ? 0 : p.eta().toSeconds());
        ChecksumResync cr = checksum;
        ResyncProgress cp = cr == null ? null : cr.progress();
        m.put("resync.checksum_running", cr == null ? 0L : 1L);
        m.put("resync.checksum_region", cp == null ? 0 : cp.regionsDone());
        m.put("resync.checksum_regions_total", cp == null ? 0 : cp.regionsTotal());
        m.put("resync.checksum_start_region", lastChecksumStartRegion);
        m.put("resync.checksum_rate_kib_per_second", cp == null ? 0 : (long) (cp.bytesPerSecond() / 1024));
        m.put("resync.checksum_regions_scanned", checksumRegionsScanned.sum());
        m.put("resync.checksum_blocks_differing", checksumBlocksDiffering.sum());
        m.put("resync.checksum_blocks_copied", checksumBlocksCopied.sum());
        Scrubber sc;
        synchronized (this) {
            sc = scrubber;
        }
        m.put("scrub.runs", sc == null ? 0 : sc.runs());
        m.put("scrub.running", sc != null && sc.running() ? 1L : 0L);
        m.put("scrub.throttled", sc != null && sc.throttled() ? 1L : 0L);
        ResyncProgress scrubbing = sc == null ? null : sc.progress();
        m.put("scrub.rate_kib_per_second", scrubbing == null ? 0 : (long) (scrubbing.bytesPerSecond() / 1024));
        m.put("scrub.regions_scanned_total", sc == null ? 0 : sc.regionsScanned());
        m.put("scrub.mismatched_blocks_total", sc == null ? 0 : sc.mismatchedBlocks());
        m.put("scrub.repaired_blocks_total", sc == null ? 0 : sc.repairedBlocks());
        ScrubReport last = sc == null ? null : sc.lastReport();
        m.put("scrub.last_mismatched_blocks", last == null ? 0 : last.mismatchedBlocks());
        m.put("scrub.last_repaired_blocks", last == null ? 0 : last.repairedBlocks());
        m.put("mirror.sync_done_bytes", s.syncDoneBytes());
        m.put("mirror.sync_total_bytes", s.syncTotalBytes());
        m.put("mirror.forwarded_served", forwardedServed.sum());
        m.put("mirror.received_small_writes", wakeups.smallWrites());
        m.put("mirror.received_small_frames", wakeups.smallFrames());
        m.put("mirror.received_large_writes", wakeups.largeWrites());
        m.put("mirror.received_large_frames", wakeups.largeFrames());
        m.put("mirror.heartbeat_gap_max_ms", peerSilence.longestMillis());
        m.put("mirror.received_applied", applied.sum());
        m.put("mirror.received_flushes", flushesReceived.sum());
        SecondaryVolume sv = secondary;
        m.put("mirror.forwarded_sent", sv == null ? 0 : sv.forwarded());
        m.put("record.recovering", recovering ? 1L : 0L);
        m.put("record.resync_bytes_total", recordResyncBytes.sum());
        m.put("record.resync_bytes_copied_total", recordResyncCopied.sum());
        m.putAll(record.metrics());
        return m;
    }

    /**
     * The primary's write-ordering lock: every host write holds its range until both nodes have
     * it. A resync or repair copy takes the same lock so an older copy never lands after a newer
     * write. Null on a secondary; a new lock after promotion, so ask again after a role change.
     */
    public RangeLock ranges() {
        Volume v = current;
        return v instanceof MirroredVolume m ? m.ranges() : null;
    }

    /** Frames per mirrored write as received by this node (a secondary), small and large apart. */
    public WakeupCounter wakeups() {
        return wakeups;
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
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            c = client;
            s = server;
            r = replicator;
            sv = secondary;
        }
        if (r != null) {
            r.close(); // first: what waits fails as "closing", rather than degrading when the link drops
        }
        RecordSender rs;
        synchronized (this) {
            rs = recordSender;
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
        record.close();
        Scrubber sc;
        synchronized (this) {
            sc = scrubber;
        }
        if (sc != null) {
            sc.close();
        }
        ChecksumResync cr = checksum;
        if (cr != null) {
            cr.stop(); // its cursor is saved, but only this process may resume it (see start)
        }
        scanThread.shutdown();
        scrubThread.shutdown();
        markStopped();
        metaIo.shutdown();
        try {
            if (!metaIo.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "pair metadata writes still running at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sets the dirty bit for this run. Found already set, the last run crashed: writes that only
     * reached one node's page cache may be lost there and not on the partner, so this copy is no
     * longer known identical and the next link runs a full copy.
     */
    private void markRunning() {
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
    private void markStopped() {
        try {
            local.flush().get(30, TimeUnit.SECONDS);
            meta.update(m -> m.withOpen(false)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "{0}: could not record a clean shutdown ({1}); the next start makes a full"
                    + " copy to be safe", local.file(), e.toString());
        }
    }

    // ---- roles ----

    private synchronized void becomePrimary() {
        DivergenceTracker tracker = options.divergence();
        Replicator r = new Replicator(new WriteFramer(cfg.smallWriteThreshold(), PeerFrameDecoder.DEFAULT_MAX_PAYLOAD),
                cfg.onPeerLoss(), cfg.suspendTimeout(), tracker, meta, group.next());
        RecordSender records = new RecordSender(cfg.onPeerLoss(), cfg.suspendTimeout(), group.next(), record::snapshot);
        WriteIntent intent = record == PairRecord.NONE ? options.writeIntent()
                : record.becomePrimary(records::send, covers -> MirroredVolume.flushBoth(local, r, covers));
        MirroredVolume mirrored = new MirroredVolume(local, r, new RangeLock(), intent, tracker, meta);
        recordSender = records;
        replicator = r;
        current = mirrored;
        role = Role.PRIMARY;
        if (cfg.peer() == null) {
            LOG.log(Level.WARNING, "primary without mirror.peer: writes follow mirror.on-peer-loss {0}",
                    cfg.onPeerLoss());
            return;
        }
        LinkSide side = new LinkSide() {
            @Override
            public boolean linkUp(Channel ch, PeerIdentity peer) {
                byte[] peerGenerations = ch.attr(PEER_GENERATIONS).get();
                splitBrain.linked(peer.nodeId(), peerGenerations);
                // The secondary's RECORD_REPORT (if it crashed); fails with the link.
                CompletableFuture<byte[]> report = new CompletableFuture<>();
                ch.closeFuture().addListener(f -> report.completeExceptionally(
                        new VolumeException("mirror link lost before the secondary's record report", true)));
                ch.pipeline().addLast("mirror", new PrimaryLinkHandler(r, mirrored, forwardedServed, records, report));
                // Checksum scans and scrubs ask the secondary over this link; it takes only their answers.
                PeerHashComparison hashes = new PeerHashComparison(ch);
                ch.pipeline().addBefore("mirror", "scan", hashes);
                scanPeer = hashes;
                meta.update(m -> m.withPaired(m.volumeId()));
                // First on the link: the record, so the secondary's read gate never starts from an older one.
                records.linkUp(ch);
                boolean peerRecovering = peer.recovering();
                boolean[] recordCopy = {false};
                Copy[] plan = {Copy.NONE};
                boolean needsCopy = r.linkUp(ch, () -> {
                    plan[0] = plan(peer, peerGenerations, tracker);
                    if (plan[0] == Copy.NONE && peerRecovering && record == PairRecord.NONE) {
                        plan[0] = Copy.FULL; // a crashed secondary's record means nothing to us: copy all
                    }
                    // Crash recovery: only the recorded extents may differ (predictive record).
                    recordCopy[0] = plan[0] == Copy.NONE && (recovering || peerRecovering);
                    return plan[0] != Copy.NONE || recordCopy[0];
                });
                if (recordCopy[0]) {
                    recordResync(ch, mirrored, r, report, peerRecovering, hashes);
                } else if (needsCopy && plan[0] == Copy.BITMAP && peerRecovering) {
                    // DESIGN section 8: a returning old primary that crashed resyncs from its own record
                    // plus our outage bitmap: its recorded extents are marked, then the bitmap is copied.
                    report.thenApply(record::rangesOf).whenComplete((ranges, err) -> {
                        if (err != null) {
                            LOG.log(Level.WARNING, "no record report from the secondary {0}: {1}; ending the link",
                                    ch.remoteAddress(), MirroredVolume.volumeError(err).getMessage());
                            ch.close();
                            return;
                        }
                        OutageBitmap b = bitmap();
                        for (long[] extent : ranges) {
                            b.markChanged(extent[0], extent[1]);
                        }
                        LOG.log(Level.INFO, "the secondary''s record adds {0} extents to the outage bitmap", ranges.size());
                        resyncBitmap(r, mirrored, ch);
                    });
                } else if (needsCopy && plan[0] == Copy.BITMAP) {
                    resyncBitmap(r, mirrored, ch);
                } else if (needsCopy && peer.paired() && !peer.empty()) {
                    // A secondary that held our data once: compare, and copy only what differs.
                    resyncChecksum(r, mirrored, ch, hashes.regionsOf(scanBlocksPerRegion())).thenRun(() -> {
                        if (r.linkedOn(ch) && r.state() == PairState.IN_SYNC) {
                            recovered(0, 0); // a full comparison covers every recorded extent too
                        }
                    });
                } else if (needsCopy) {
                    InitialCopy c = new InitialCopy(mirrored, ch);
                    copy = c;
                    c.run().thenRun(() -> {
                        if (r.linkedOn(ch) && r.state() == PairState.IN_SYNC) {
                            recovered(0, 0); // a full copy covers every recorded extent too
                        }
                    });
                } else {
                    LOG.log(Level.INFO, "secondary {0} is in sync: no copy needed", ch.remoteAddress());
                }
                return true;
            }

            @Override
            public void linkDown(Channel ch) {
                r.linkDown(ch);
                records.linkDown(ch);
                ChecksumResync cr = checksum;
                if (cr != null) {
                    cr.stop(); // saves its cursor; the next link resumes there
                }
            }

            @Override
            public byte[] generations() {
                return meta.get().generations().encode();
            }

            @Override
            public void refused(Channel ch, PeerErrorCode code, String reason) {
                noteRefusal(ch, code, reason);
            }

            @Override
            public byte[] discardOrder(PeerIdentity peer, byte[] peerGenerations) {
                return splitBrain.takeOrder(peer.nodeId(), peerGenerations, meta.get().generations());
            }
        };
        client = new PeerClient(cfg.peer(), group, clientChannel, auth, cfg.heartbeat(), peerSilence, identity, side);
        client.start();
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
        CompletableFuture<List<long[]>> peerRanges = peerRecovering
                ? report.thenApply(record::rangesOf) : CompletableFuture.completedFuture(List.of());
        peerRanges.thenCompose(theirs -> {
            List<long[]> all = new java.util.ArrayList<>(recovering ? record.recoveryRanges() : List.of());
            all.addAll(theirs);
            RecordResync resync = new RecordResync(mirrored, ch, all, comparison(r, mirrored, ch, hashes));
            return resync.run().thenApply(v -> resync);
        }).whenComplete((resync, err) -> {
            if (err != null) {
                LOG.log(Level.WARNING, "crash resync to the secondary {0} stopped: {1}; it starts again on the next"
                        + " link", ch.remoteAddress(), MirroredVolume.volumeError(err).getMessage());
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
            recovered(resync.total, resync.extents());
        });
    }

    /**
     * A crash resync's comparison over {@code ch}: hashes on the scan thread, differing blocks
     * copied without FUA on that link only (the resync's closing FLUSH makes them durable).
     * Ownership: the copier's read buffer goes to the replicator, which releases it once acked.
     */
    private RecordResync.Comparison comparison(Replicator r, MirroredVolume mirrored, Channel ch,
            PeerHashComparison hashes) {
        ScanGeometry g = new ScanGeometry(local.size(), local.blockSize(), scanBlocksPerRegion());
        BlockHasher hasher = new BlockHasher(local, scrubSettings.algorithm(), g, PooledByteBufAllocator.DEFAULT,
                scanThread);
        BlockCopier copier = new BlockCopier(local, (offset, data) -> r.copyWrite(ch, offset, data),
                copyLock(mirrored.ranges()), PooledByteBufAllocator.DEFAULT, 1 << 20);
        return new RecordResync.Comparison(hasher, hashes.regionsOf(scanBlocksPerRegion()), copier);
    }

    /** What this node's record held at startup is on both nodes now: its extents may leave the record. */
    private void recovered(long bytes, int extents) {
        recovering = false;
        record.recoveryComplete(bytes, extents);
    }

    /** What a returning secondary needs. */
    private enum Copy { NONE, BITMAP, FULL }

    /** A secondary (by its node name) that the last link made the target of a bitmap resync from this baseline. */
    private record BitmapTarget(String nodeId, java.util.UUID baseline) {
    }

    /**
     * DESIGN section 7: a new secondary needs everything unless the primary never held data. A
     * paired one is placed by the data generations: the same generation needs nothing if both
     * copies are clean; a secondary at our outage baseline needs only the bitmap's regions if this
     * process saw the whole outage (the bitmap is in memory) and the secondary's copy is bounded:
     * clean (it did not crash, so it holds everything it acknowledged), or crashed with a valid
     * record, or an interrupted bitmap resync's target (below); anything else gets a full copy.
     * Refused verdicts (split brain, secondary newer) never get here: the handshake stopped them.
     * Without the peer's generations (an older node) the plain generation numbers decide.
     * Remembers the secondary it plans a bitmap resync for (every plan replaces that).
     */
    private Copy plan(PeerIdentity peer, byte[] peerGenerations, DivergenceTracker tracker) {
        Copy c = planCopy(peer, peerGenerations, tracker);
        bitmapTarget = c == Copy.BITMAP ? new BitmapTarget(peer.nodeId(), meta.get().generations().bitmap()) : null;
        return c;
    }

    private Copy planCopy(PeerIdentity peer, byte[] peerGenerations, DivergenceTracker tracker) {
        PairMetadata.Meta m = meta.get();
        if (peer.paired() && peerGenerations != null) {
            GenerationHistory theirs = GenerationHistory.decode(peerGenerations);
            GenerationHistory.Verdict v = GenerationHistory.compare(m.generations(), theirs);
            LOG.log(Level.INFO, "data generations: this primary {0}; secondary {1}: {2}", m.generations().describe(),
                    theirs.describe(), v);
            if (v == GenerationHistory.Verdict.LOCAL_NEWER_BITMAP) {
                // A crashed secondary with a valid predictive record (recovering) may differ beyond our
                // bitmap only on its recorded extents, which its RECORD_REPORT adds to the bitmap.
                boolean secondaryBounded = peer.clean() || (peer.recovering() && record != PairRecord.NONE)
                        || resumesBitmapResync(peer, m.generations());
                return secondaryBounded && bitmap() != null && m.generations().bitmapInMemory() ? Copy.BITMAP : Copy.FULL;
            }
            if (v != GenerationHistory.Verdict.IN_SYNC) {
                return Copy.FULL;
            }
        }
        return needsCopy(peer, tracker) ? Copy.FULL : Copy.NONE;
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

    /** The outage bitmap, when the divergence tracker is one (else a reconnect after divergence copies everything). */
    private OutageBitmap bitmap() {
        return options.divergence() instanceof OutageBitmap b ? b : null;
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
        OutageBitmap b = bitmap();
        RegionResync rr = new RegionResync(b, local, resyncSink(r, ch), copyLock(mirrored.ranges()), RESYNC_LIMITS,
                PooledByteBufAllocator.DEFAULT);
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
                bitmapTarget = null;
                r.copyDone(ch, false);
            } else {
                LOG.log(Level.WARNING, "bitmap resync stopped after {0}: {1}; the next link continues it", p,
                        MirroredVolume.volumeError(err).getMessage());
            }
        });
    }

    /**
     * Where a resync over {@code ch} copies to: writes without FUA and FLUSHes, both only on that
     * link, so a flush vouches only for writes the same secondary process acknowledged.
     * Ownership: the replicator takes each read buffer and releases it once acked or failed.
     */
    private static RegionSink resyncSink(Replicator r, Channel ch) {
        return RegionSink.batching((offset, data) -> r.copyWrite(ch, offset, data), () -> r.copyFlush(ch));
    }

    /** Blocks per hashed region of a checksum resync: the outage bitmap's region (64 KiB by default). */
    private int scanBlocksPerRegion() {
        OutageBitmap b = bitmap();
        int region = b != null ? b.regionSize() : OutageBitmap.DEFAULT_REGION_SIZE;
        return Math.max(1, region / local.blockSize());
    }

    /** Where an interrupted checksum resync keeps its position: {@code <volume>.scan}. */
    private Path cursorFile() {
        return local.file().resolveSibling(local.file().getFileName() + ".scan");
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
        ScrubSettings st = scrubSettings;
        ScanGeometry g = new ScanGeometry(local.size(), local.blockSize(), scanBlocksPerRegion());
        BlockHasher hasher = new BlockHasher(local, st.algorithm(), g, PooledByteBufAllocator.DEFAULT, scanThread);
        ScanCursor cursor = ScanCursor.open(cursorFile(), st.algorithm(), g);
        CopyLock lock = copyLock(mirrored.ranges());
        int bs = local.blockSize();
        // Ownership: the copier's read buffer goes to the replicator, which releases it once acked or failed.
        // Counted as it happens, so an interrupted run's work shows too.
        BlockCopier copier = new BlockCopier(local, (offset, data) -> {
            long blocks = data.readableBytes() / bs;
            return r.write(offset, data, true, true).thenRun(() -> checksumBlocksCopied.add(blocks));
        }, lock, PooledByteBufAllocator.DEFAULT, 1 << 20);
        HashComparison counted = batch -> peer.compare(batch).thenApply(ranges -> {
            checksumRegionsScanned.add(batch.count());
            ranges.forEach(range -> checksumBlocksDiffering.add(range.count()));
            return ranges;
        });
        int batch = Math.min(64, hasher.maxRegionsPerCall());
        TokenBucket limit = resyncRate == 0 ? TokenBucket.unlimited() : new TokenBucket(resyncRate, g.bytes(0, batch));
        ChecksumResync cr = new ChecksumResync(new ChecksumScanner(hasher, cursor, limit, scanThread, batch, 16), counted,
                copier);
        checksum = cr;
        lastChecksumStartRegion = cursor.position();
        LOG.log(Level.INFO, "secondary {0} needs a full resync: comparing {1} checksums of {2} regions{3}",
                ch.remoteAddress(), st.algorithm().configName(), g.regionCount(),
                cursor.resumed() ? " from region " + cursor.position() + " (resumed)" : "");
        cr.run().whenComplete((result, err) -> {
            Throwable failure = err != null ? err : result.scan().complete() ? null
                    : new VolumeException("stopped (link lost or node closing)", true);
            if (failure != null) {
                if (checksum == cr) {
                    checksum = null;
                }
                LOG.log(Level.WARNING, "checksum resync stopped at region {0}: {1}; the next link resumes there",
                        cursor.position(), MirroredVolume.volumeError(failure).getMessage());
                done.completeExceptionally(failure);
                return;
            }
            LOG.log(Level.INFO, "checksum resync: {0} blocks differed, {1} copied", result.blocksDiffering(),
                    result.blocksCopied());
            OutageBitmap b = bitmap();
            CompletableFuture<?> rest = b != null && b.anyChanged()
                    ? new RegionResync(b, local, resyncSink(r, ch), lock, RESYNC_LIMITS,
                            PooledByteBufAllocator.DEFAULT).start()
                    : CompletableFuture.completedFuture(null);
            rest.whenComplete((ok, e2) -> {
                if (checksum == cr) {
                    checksum = null;
                }
                if (e2 != null) {
                    LOG.log(Level.WARNING, "resync of regions written during the scan stopped: {0}",
                            MirroredVolume.volumeError(e2).getMessage());
                    done.completeExceptionally(e2);
                    return;
                }
                r.copyDone(ch, true);
                done.complete(null);
            });
        });
    }

    private static CopyLock copyLock(RangeLock ranges) {
        return (offset, length) -> ranges.acquire(offset, length).thenApply(lease -> lease::close);
    }

    /**
     * scrub.* and resync.checksum. Call right after start; a primary then scrubs on scrub.interval
     * (if set) and on {@link #verify()}.
     */
    public void configureScrub(ScrubSettings settings) {
        Objects.requireNonNull(settings, "settings");
        scrubSettings = settings;
        synchronized (this) {
            if (scrubber != null) {
                scrubber.close();
                scrubber = null;
            }
            if (role == Role.PRIMARY && !closed) {
                scrubber().start();
            }
        }
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
        Replicator r;
        MirroredVolume mirrored;
        PeerHashComparison peer;
        synchronized (this) {
            if (role != Role.PRIMARY) {
                throw new IllegalStateException("a resync runs on the primary; this node is the secondary");
            }
            if (replicator.state() != PairState.IN_SYNC || scanPeer == null) {
                throw new IllegalStateException("the pair is " + replicator.state().name().toLowerCase(java.util.Locale.ROOT)
                        + ": a resync needs the secondary connected (a reconnect resyncs by itself)");
            }
            if (checksum != null) {
                throw new IllegalStateException("a checksum resync is running already");
            }
            r = replicator;
            mirrored = (MirroredVolume) current;
            peer = scanPeer;
        }
        ScanGeometry g = new ScanGeometry(local.size(), local.blockSize(), scanBlocksPerRegion());
        ScrubSettings st = scrubSettings;
        BlockHasher hasher = new BlockHasher(local, st.algorithm(), g, PooledByteBufAllocator.DEFAULT, scanThread);
        int batch = Math.min(64, hasher.maxRegionsPerCall());
        TokenBucket limit = resyncRate == 0 ? TokenBucket.unlimited() : new TokenBucket(resyncRate, g.bytes(0, batch));
        int bs = local.blockSize();
        // Ownership: the copier's read buffer goes to the replicator, which releases it once acked or failed.
        BlockCopier copier = new BlockCopier(local, (offset, data) -> {
            long blocks = data.readableBytes() / bs;
            return r.write(offset, data, true, true).thenRun(() -> checksumBlocksCopied.add(blocks));
        }, copyLock(mirrored.ranges()), PooledByteBufAllocator.DEFAULT, 1 << 20);
        ChecksumResync cr = new ChecksumResync(new ChecksumScanner(hasher, ScanCursor.inMemory(st.algorithm(), g), limit,
                scanThread, batch, Integer.MAX_VALUE), peer.regionsOf(g.blocksPerRegion()), copier);
        checksum = cr;
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

    /** resync.max-rate (0: unlimited); applies to checksum resyncs that start after the call. */
    public void configureResyncRate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("resync.max-rate must not be negative, not " + bytesPerSecond);
        }
        resyncRate = bytesPerSecond;
    }

    /** The primary's scrubber for the current mirrored volume, made on first use. */
    private synchronized Scrubber scrubber() {
        if (scrubber == null) {
            Replicator r = replicator;
            MirroredVolume mirrored = (MirroredVolume) current;
            HashComparison peer = batch -> {
                PeerHashComparison p = scanPeer;
                return p != null ? p.compare(batch, scrubSettings.blocksPerRegion()) : CompletableFuture.failedFuture(
                        new VolumeException("no mirror link: nothing to compare with", true));
            };
            // Ownership: a repair's read buffer goes to the replicator, which releases it once acked or failed.
            // Host I/O on the exported volume throttles the scrub (scrub.busy-rate); its own reads are not counted.
            scrubber = new Scrubber(scrubSettings, local, peer, (offset, data) -> r.write(offset, data, true, true),
                    copyLock(mirrored.ranges()), scrubThread, PooledByteBufAllocator.DEFAULT, mirrored::hostOperations);
        }
        return scrubber;
    }

    /**
     * Compares both copies now (scrub.max-rate applies) and reports the blocks that differ; with
     * scrub.repair, copies this node's blocks over them. Only on a primary with its secondary in sync.
     *
     * @throws IllegalStateException on a secondary, or without an in-sync link
     */
    public CompletableFuture<ScrubReport> verify() {
        synchronized (this) {
            if (role != Role.PRIMARY) {
                throw new IllegalStateException("verify runs on the primary; this node is the secondary");
            }
            if (replicator.state() != PairState.IN_SYNC) {
                throw new IllegalStateException("the pair is " + replicator.state().name().toLowerCase(java.util.Locale.ROOT)
                        + ": a comparison needs the secondary connected and in sync");
            }
            return scrubber().scrubNow();
        }
    }

    /** A refusal for the data generations (split brain, unrelated data) is shown in status until resolved. */
    private void noteRefusal(Channel ch, PeerErrorCode code, String reason) {
        splitBrain.seen(ch.attr(PEER_NAME).get(), ch.attr(PEER_GENERATIONS).get());
        if (code == PeerErrorCode.GENERATION_CONFLICT) {
            splitBrain.refused(reason);
        }
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
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the pair node is closed");
            }
            if (role == Role.PRIMARY) {
                throw new IllegalStateException("this node is the primary; the node whose data is discarded must be"
                        + " the target of the copy: restart it with mirror.role = secondary first");
            }
            Channel p = server == null ? null : server.primary();
            if (p != null && p.isActive()) {
                throw new IllegalStateException("the primary " + p.remoteAddress() + " is connected: there is no"
                        + " conflict to resolve");
            }
            GenerationHistory winner = splitBrain.peerGenerations();
            meta.update(m -> m.withClean(false).withGenerations(winner != null
                    ? m.generations().discard(winner) : GenerationHistory.none())).join();
            splitBrain.discarded();
            resyncTarget = false;
            LOG.log(Level.WARNING, "this node''s data was discarded by an administrator: the next link makes it a"
                    + " full copy of its primary (generations now {0})", meta.get().generations().describe());
            return meta.get().generations();
        }
    }

    /** This node's name (node.name), as its partner and an administrator know it. */
    public String nodeName() {
        return cfg.nodeName();
    }

    /** The partner's name as it last introduced itself at a handshake; null if none since this node started. */
    public String peerName() {
        return splitBrain.peerName();
    }

    /** Both sides of a standing split brain (or unrelated data), for status; null if there is none. */
    public SplitBrainStatus splitBrain() {
        return splitBrain.status(cfg.nodeName(), meta.get().generations());
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
        String me = cfg.nodeName();
        String peer = splitBrain.peerName();
        if (me.equals(peer)) {
            throw new IllegalArgumentException("both nodes are named " + me + ", so the name does not say which"
                    + " one loses: set node.name to a different name on each node and restart them, or run"
                    + " `target-server.jar resolve --discard-local` against the node whose data is dropped");
        }
        if (me.equals(name)) {
            return new Resolution(me, true, discardLocal());
        }
        if (peer != null && peer.equals(name)) {
            return new Resolution(peer, false, orderPeerDiscarded(peer));
        }
        throw new IllegalArgumentException("no node of this pair is named " + name + ": this node is " + me
                + (peer == null ? " and its partner has not introduced itself since this node started"
                        : " and its partner is " + peer) + " (each node's name is its node.name, by default its host name)");
    }

    /**
     * What {@link #resolve} did: {@code local} true if this node's data was discarded now, false if
     * {@code node}'s data is discarded at its next connection to this node. {@code generations}:
     * the discarded node's generations (this node's after the discard, or the partner's as last seen).
     */
    public record Resolution(String node, boolean local, GenerationHistory generations) {
    }

    /**
     * The survivor's half of {@link #resolve}: only a primary can make its partner a copy of itself,
     * and only in a standing split brain (or unrelated data) with what the partner last sent.
     */
    private GenerationHistory orderPeerDiscarded(String peer) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the pair node is closed");
            }
            if (role != Role.PRIMARY) {
                throw new IllegalStateException(peer + " is this node's primary: its data cannot be discarded while it"
                        + " is the source of the pair. Restart " + peer + " with mirror.role = secondary, promote this"
                        + " node (`target-server.jar promote`), then run `target-server.jar resolve --discard " + peer
                        + "` again, against either node");
            }
            GenerationHistory theirs = splitBrain.peerGenerations();
            GenerationHistory ours = meta.get().generations();
            if (!splitBrain.active() || replicator.linked() || theirs == null
                    || !GenerationHistory.compare(ours, theirs).refusesConnection()) {
                throw new IllegalStateException("there is no split brain with " + peer + " to resolve (the pair is "
                        + status().state().name().toLowerCase(java.util.Locale.ROOT)
                        + (splitBrain.active() ? ": " + splitBrain.reason() : "") + ")");
            }
            splitBrain.order(new DiscardOrder(peer, theirs));
            LOG.log(Level.WARNING, "an administrator chose the data of {0} to be discarded: at its next connection it"
                    + " is ordered to drop it and becomes a full copy of this node (its generations {1})", peer,
                    theirs.describe());
            return theirs;
        }
    }

    /**
     * The decision of DESIGN section 7 in its simplest form: a new secondary needs everything
     * unless the primary never held data; a returning one needs nothing only if both copies are
     * clean, of the same generation, and nothing was written without it meanwhile.
     */
    private boolean needsCopy(PeerIdentity secondaryId, DivergenceTracker tracker) {
        PairMetadata.Meta m = meta.get();
        if (!secondaryId.paired()) {
            return !m.empty();
        }
        return !(m.clean() && secondaryId.clean() && secondaryId.generation() == m.generation()
                && !tracker.anyChanged());
    }

    /**
     * The primary said this copy is identical to its own: this node now holds the primary's data
     * generation (as the primary holds it after ending its resync).
     */
    private void adoptGenerations(GenerationHistory primary) {
        meta.update(m -> m.withGenerations(m.generations().adopt(primary.endResync())));
    }

    /**
     * What a SYNC_STATE makes this secondary record. "In sync": clean and consistent. "Not in sync":
     * not clean, and, before the first copy lands (the receiver's barrier), the target of a resync
     * from {@code primary}: its regions arrive out of write order, so until the primary says "in
     * sync" this copy may lack acknowledged writes, and {@link #promote} refuses it. Except a crash
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
     * True if a "not in sync" on this link can only start a crash resync ({@link #recordResync}):
     * the primary plans one only if it would copy nothing else (same data generation, this copy
     * clean, so at the baseline it holds everything it acknowledged) and one of the nodes crashed
     * with a valid record. Judged at link-up, before the SYNC_STATE changes clean. Anything else
     * counts as an out-of-order copy: wrongly so costs a promote --force, never a half copy served.
     */
    private boolean crashResyncOnly(PeerIdentity primary, byte[] primaryGenerations) {
        PairMetadata.Meta m = meta.get();
        if (!(recovering || primary.recovering()) || !m.clean() || !m.consistent() || primaryGenerations == null
                || m.generations().isNone()) {
            return false;
        }
        return GenerationHistory.decode(primaryGenerations).current().equals(m.generations().current());
    }

    /** How far the running resync has written into the volume (regions go in ascending order), in percent. */
    private int resyncPercent() {
        long size = local.size();
        return size <= 0 ? -1 : (int) Math.min(100, resyncReach.get() * 100 / size);
    }

    private synchronized void becomeSecondary() {
        RangeLock applyOrder = new RangeLock();
        StatusQueries queries = new StatusQueries(() -> {
            PeerServer s = server;
            return s == null ? null : s.primary();
        });
        ReadGate gate = record == PairRecord.NONE ? options.readGate() : record.becomeSecondary(queries::ask);
        SecondaryVolume sv = new SecondaryVolume(local, () -> {
            PeerServer s = server;
            return s == null ? null : s.primary();
        }, () -> {
            PeerServer s = server;
            return s != null && s.primary() != null && secondaryInSync;
        }, gate);
        LinkSide side = new LinkSide() {
            @Override
            public boolean linkUp(Channel ch, PeerIdentity peer) {
                byte[] primaryGenerations = ch.attr(PEER_GENERATIONS).get();
                splitBrain.linked(peer.nodeId(), primaryGenerations);
                // A discard the primary just ordered must be on disk before its copy overwrites our data.
                CompletableFuture<Void> adopted = CompletableFuture.allOf(discardDurable, meta.update(m -> m
                        .withPaired(peer.volumeId()).withGeneration(peer.generation())));
                // The primary's checksum scans and scrubs: answered here, in front of the mirror traffic.
                // Hashes that arrive while this copy is in sync can only be a scrub's: they wait for idle CPU.
                ch.pipeline().addLast("scan", new HashRequests(local,
                        task -> (secondaryInSync ? scrubThread : scanThread).execute(task)));
                boolean crashResyncOnly = crashResyncOnly(peer, primaryGenerations);
                ch.pipeline().addLast("assembler", new WriteAssembler(wakeups))
                        .addLast("mirror", new MirrorReceiver(local, applyOrder, meta, adopted, sv,
                                new MirrorReceiver.SyncListener() {
                                    @Override
                                    public void syncing(boolean syncing) {
                                        secondarySyncing = syncing;
                                        secondaryInSync = !syncing;
                                        resyncTarget = syncing;
                                        resyncReach.set(0);
                                        if (!syncing && primaryGenerations != null) {
                                            adoptGenerations(GenerationHistory.decode(primaryGenerations));
                                        }
                                        if (!syncing && recovering) {
                                            recovered(0, 0); // the primary copied what our record listed
                                        }
                                    }

                                    @Override
                                    public UnaryOperator<PairMetadata.Meta> metadata(boolean inSync) {
                                        return consistencyAt(inSync, peer.nodeId(), crashResyncOnly);
                                    }

                                    @Override
                                    public void written(long end) {
                                        if (secondarySyncing) {
                                            resyncReach.accumulateAndGet(end, Math::max);
                                        }
                                    }
                                }, applied, flushesReceived, record, queries));
                if (recovering) {
                    byte[] mine = record.report();
                    if (mine != null) {
                        // Before any answer of ours: the primary waits for it to bound its resync.
                        ch.writeAndFlush(new RecordUpdate(true, 0, mine));
                    }
                }
                return true;
            }

            @Override
            public byte[] generations() {
                return meta.get().generations().encode();
            }

            @Override
            public void refused(Channel ch, PeerErrorCode code, String reason) {
                noteRefusal(ch, code, reason);
            }

            @Override
            public boolean discardOrdered(PeerIdentity primary, GenerationHistory primaryGenerations) {
                discardDurable = meta.update(m -> m.withClean(false)
                        .withGenerations(m.generations().discard(primaryGenerations)));
                splitBrain.discarded();
                LOG.log(Level.WARNING, "this node''s data was discarded on the order of the primary {0} (an"
                        + " administrator''s decision there): it becomes a full copy of it (generations now {1})",
                        primary.nodeId(), meta.get().generations().describe());
                return true;
            }

            @Override
            public void linkDown(Channel ch) {
                if (secondarySyncing) {
                    // How far the lost resync got, for the refusal to promote this copy (even after a restart).
                    int reached = resyncPercent();
                    meta.update(m -> m.consistent() ? m : m.withResync(m.resync().withPercent(reached)));
                }
                secondarySyncing = false;
                secondaryInSync = false;
                sv.linkDown();
                queries.linkDown();
            }
        };
        secondary = sv;
        server = new PeerServer(cfg.listen(), group, serverChannel, auth, cfg.heartbeat(), peerSilence, identity, side);
        current = sv;
        role = Role.SECONDARY;
        server.bind();
    }

    /** The exported volume: follows the node's role. */
    private final class Exported implements Volume {
        @Override
        public long size() {
            return local.size();
        }

        @Override
        public int blockSize() {
            return local.blockSize();
        }

        @Override
        public CompletableFuture<ByteBuf> read(long offset, int length, ByteBufAllocator alloc) {
            return current.read(offset, length, alloc);
        }

        @Override
        public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
            if (closed) {
                data.release();
                return CompletableFuture.failedFuture(new VolumeException("the pair node is closed", true));
            }
            return current.write(offset, data, fua);
        }

        @Override
        public CompletableFuture<Void> flush() {
            return current.flush();
        }

        @Override
        public CompletableFuture<Void> discard(long offset, long length) {
            return current.discard(offset, length);
        }

        @Override
        public CompletableFuture<Void> readGate(long offset, long length) {
            return current.readGate(offset, length);
        }

        @Override
        public void close() {
            PairNode.this.close();
        }
    }
}
