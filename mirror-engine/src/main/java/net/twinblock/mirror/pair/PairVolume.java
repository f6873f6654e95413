package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.link.PeerFrameDecoder;
import net.twinblock.mirror.link.WriteFramer;
import net.twinblock.mirror.record.ReadGate;
import net.twinblock.mirror.record.WriteIntent;
import net.twinblock.mirror.resync.ResyncProgress;
import net.twinblock.mirror.resync.ScrubSettings;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Journal;
import net.twinblock.mirror.store.LowPriorityThreads;
import net.twinblock.mirror.store.Volume;

/**
 * One mirrored volume (one LUN) of a {@link PairNode}: its copy's state ({@link VolumeState}),
 * its own link connection to the partner, its resyncs and scrubs, and the volume it exports. The
 * node owns the role and the listening socket; a volume follows the node's role
 * ({@link #becomePrimary}, {@link #becomeSecondary}) and is resynced, scrubbed and shown on its
 * own, so one LUN's full copy never holds up another's writes.
 *
 * <p>The volume does not own its local {@link FileVolume} (the caller opened it and closes it
 * after {@link PairNode#close()}).
 */
public final class PairVolume {

    private static final Logger LOG = System.getLogger(PairVolume.class.getName());

    private final PairNode node;
    final VolumeState volume;
    private final ExecutorService metaIo;
    private final RoleVolume exported;
    final PairMetrics.LinkCounters counters = new PairMetrics.LinkCounters();
    /** Checksum resyncs hash here on both nodes: nice, so host commands go first. */
    private final ScheduledExecutorService scanThread;
    /** Scrubs: optional work, so SCHED_IDLE (a checksum resync restores redundancy and keeps nice 10). */
    private final ScheduledExecutorService scrubThread;
    final ResyncCoordinator resyncs;
    final ScrubControl scrubs;
    final SplitBrainResolver splitBrain;

    // primary side
    private Replicator replicator;
    private final PointSettings pointSettings;
    /** The primary's consistency points and their timer ({@code cp.enabled}), or null. */
    private volatile PointCutter points;
    private ScheduledFuture<?> pointTimer;
    private RecordSender recordSender;
    private PeerClient client;
    private volatile PrimaryLinkSide primarySide;
    // secondary side
    private SecondaryVolume secondary;

    PairVolume(PairNode node, int number, FileVolume local, PairOptions options) {
        this.node = node;
        String name = "LUN " + number + " " + local.file().getFileName();
        this.metaIo = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pair-metadata " + name);
            t.setDaemon(true);
            return t;
        });
        PairMetadata meta = PairMetadata.open(PairMetadata.fileFor(local.file()), options.volumeCreated(), metaIo);
        // Before anything reads the volume: a crash may have left acknowledged writes in the journal only.
        Journal journal = Journal.open(local, options.journalMaxSize(), options.points().enabled());
        this.pointSettings = options.points();
        this.volume = new VolumeState(number, local, journal, meta, options.record(), options.divergence());
        staleAfterDiskFailure(local, meta);
        this.exported = new RoleVolume(this);
        this.scanThread = Executors.newSingleThreadScheduledExecutor(
                new LowPriorityThreads("pair-scan " + name, LowPriorityThreads.Level.NICE));
        this.scrubThread = Executors.newSingleThreadScheduledExecutor(
                new LowPriorityThreads("pair-scrub " + name, LowPriorityThreads.Level.IDLE));
        this.scrubs = new ScrubControl(volume, scrubThread, () -> {
            PrimaryLinkSide side = primarySide;
            return side == null ? null : side.hashes();
        });
        this.resyncs = new ResyncCoordinator(volume, scanThread, scrubs::settings);
        this.splitBrain = new SplitBrainResolver(volume);
    }

    /**
     * A detached disk leaves this copy stale for good: the metadata says so (an unfinished resync
     * "from" {@link #DISK_FAILED}), so it is never promoted without force, and a restart finds it
     * and detaches the volume again at once, until an administrator repairs it (a new image and
     * metadata: the node rejoins as a new secondary and gets a full copy). The metadata sits on
     * the failing disk and may not take the mark; the detach holds in memory regardless.
     */
    private static void staleAfterDiskFailure(FileVolume local, PairMetadata meta) {
        PairMetadata.Resync unfinished = meta.get().resync();
        if (unfinished != null && DISK_FAILED.equals(unfinished.primary())) {
            local.health().markFailed("the copy was detached after a disk failure before this start and is stale;"
                    + " repair it (new image and metadata) to use it again");
        }
        local.health().whenDetached(() -> meta.update(m -> m.withResync(new PairMetadata.Resync(DISK_FAILED, -1)))
                .whenComplete((ok, err) -> {
                    if (err != null) {
                        LOG.log(Level.ERROR, "cannot mark {0} stale in its metadata: {1}", local.file(), err.toString());
                    }
                }));
    }

    /** Who the stale mark of a detached copy names as its resync's source: nobody. */
    static final String DISK_FAILED = "(none: this node's disk failed)";

    /**
     * Marks the copy running (a crash is noticed at the next start) and, on a primary without
     * a generation, makes its data the pair's first one. Blocking: at startup.
     */
    void open(Role role) {
        PairMetadata meta = volume.meta;
        volume.markRunning();
        try {
            // A scan cursor is only good with the outage bitmap of the process that saved it: writes
            // made without the secondary since then, behind the cursor, were marked only there.
            Files.deleteIfExists(volume.cursorFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale scan cursor " + volume.cursorFile(), e);
        }
        if (role == Role.PRIMARY && meta.get().generations().isNone()) {
            meta.update(m -> m.withGenerations(m.generations().firstGeneration())).join();
        }
        LOG.log(Level.INFO, "LUN {0} ({1}): volume id {2}, generation {3}", volume.number, volume.local.file(),
                meta.get().volumeId(), meta.get().generation());
    }

    // ---- what the server uses ----

    /** The volume's number in the pair: its LUN. */
    public int number() {
        return volume.number;
    }

    /**
     * The volume to export. Stable across promotion: it delegates to the mirrored volume while
     * primary and to the forwarding volume while secondary.
     */
    public Volume volume() {
        return exported;
    }

    public synchronized PairStatus status() {
        Role role = node.role();
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

    /** The pair's metadata of this volume as this node knows it (volume id, generation, flags). */
    public PairMetadata.Meta metadata() {
        return volume.meta.get();
    }

    /** Counters for the admin endpoint, by name. */
    public Map<String, Long> metrics() {
        return PairMetrics.of(this);
    }

    /** Both sides of a standing split brain (or unrelated data) of this volume; null if there is none. */
    public SplitBrainStatus splitBrain() {
        return splitBrain.status(node.nodeName());
    }

    /**
     * Why this volume's link was refused for the configuration (a LUN on one node only, sizes
     * that differ), as the refusing side said it; null while none stands.
     */
    public String refusal() {
        return volume.refusal;
    }

    /**
     * Why the last attempt at this volume's link failed before the partner was authenticated (a
     * TLS handshake refused, a wrong key), as this node saw it; null since a link came up.
     */
    public String linkFailure() {
        return volume.linkFailure;
    }

    /** The embedder's messages about this volume to and from the partner (reservations, unit attentions). */
    public PeerCalls calls() {
        return volume.calls;
    }

    /** Runs the writes and discards the secondary forwards through {@code gate} while this node is primary. */
    public void gateForwardedWrites(ForwardedWriteGate gate) {
        volume.forwardedWrites = Objects.requireNonNull(gate, "gate");
    }

    /** See {@link PairNode#ranges()}. */
    public RangeLock ranges() {
        MirroredVolume m = mirrored();
        return m == null ? null : m.ranges();
    }

    // ---- roles, driven by the node under its lock ----

    synchronized void becomePrimary(PairConfig cfg) {
        // One mirror.on-peer-loss for data and record updates alike; each sender on its own event loop.
        PeerLossPolicy onPeerLoss = new PeerLossPolicy(cfg.onPeerLoss(), cfg.suspendTimeout(), node.outdatedGate());
        PointCutter cutter = pointSettings.enabled()
                ? new PointCutter(pointSettings.blockSize(), pointSettings.maxBytes(),
                        pointSettings.flushSpacing().toNanos(), System::nanoTime) : null;
        EventExecutor loop = node.group().next();
        Replicator r = new Replicator(new WriteFramer(cfg.smallWriteThreshold(), PeerFrameDecoder.DEFAULT_MAX_PAYLOAD),
                onPeerLoss, volume.divergence, volume.meta, loop, cutter);
        points = cutter;
        if (cutter != null) {
            long every = pointSettings.interval().toNanos();
            pointTimer = loop.scheduleAtFixedRate(r::point, every, every, TimeUnit.NANOSECONDS);
        }
        RecordSender records = new RecordSender(onPeerLoss, node.group().next(), volume.record::snapshot);
        FileVolume local = volume.local;
        WriteIntent intent = volume.record.becomePrimary(records::send,
                () -> MirroredVolume.flushBoth(local, r));
        MirroredVolume mirrored = new MirroredVolume(local, r, new RangeLock(), intent, volume.divergence, volume.meta);
        recordSender = records;
        replicator = r;
        volume.calls.followPeerLoss(onPeerLoss, node.group().next());
        exported.follow(mirrored);
        if (cfg.peer() == null) {
            LOG.log(Level.WARNING, "LUN {0}: primary without mirror.peer: writes follow mirror.on-peer-loss {1}",
                    volume.number, cfg.onPeerLoss());
            return;
        }
        PrimaryLinkSide side = new PrimaryLinkSide(volume, mirrored, records, resyncs, splitBrain,
                counters.forwardedServed);
        primarySide = side;
        client = node.roles.connect(side, () -> volume.identity(node.nodeName(), node.volumeNumbers()));
    }

    synchronized void becomeSecondary(PeerServer server) {
        StatusQueries queries = new StatusQueries(this::primaryLink);
        ReadGate gate = volume.record.becomeSecondary(queries::ask);
        SecondaryVolume sv = new SecondaryVolume(volume.local, this::primaryLink,
                () -> primaryLink() != null && volume.inSync, gate);
        SecondaryLinkSide side = new SecondaryLinkSide(volume, sv, queries, splitBrain, counters, scanThread,
                scrubThread);
        secondary = sv;
        server.register(volume.number, () -> volume.identity(node.nodeName(), node.volumeNumbers()), side);
        exported.follow(sv);
    }

    /** The witness recorded the secondary outdated: what waits for this volume's link completes alone. */
    void peerOutdated() {
        Replicator r;
        RecordSender rs;
        synchronized (this) {
            r = replicator;
            rs = recordSender;
        }
        if (r != null) {
            r.peerOutdated();
        }
        if (rs != null) {
            rs.peerOutdated();
        }
        volume.calls.peerOutdated();
    }

    /** This volume has a link to its partner now (either role). */
    boolean linked() {
        if (node.role() == Role.PRIMARY) {
            Replicator r = replicator();
            return r != null && r.linked();
        }
        return primaryLink() != null;
    }

    /**
     * Demotion, the volume's part (under the node's lock): host I/O goes to a volume that refuses
     * it until the node listens as secondary, then the primary side stops. Whatever waited for the
     * secondary fails as retryable (it was never acknowledged), and so does any write that was
     * still on its way to the replicator; the record keeps the extents they touched. A fenced
     * volume that acknowledged no write alone also drops the generation of what it wrote alone.
     */
    synchronized void stopPrimary(boolean fenced) {
        exported.follow(RoleVolume.REFUSING);
        volume.calls.stopDeciding();
        scrubs.close();
        resyncs.linkDown();
        stopPoints();
        if (replicator != null) {
            replicator.close();
        }
        if (recordSender != null) {
            recordSender.close();
        }
        if (client != null) {
            client.close();
        }
        primarySide = null;
        if (fenced && replicator != null && replicator.degraded.sum() == 0) {
            // Nothing was acknowledged without the secondary in this term, so nothing written alone
            // may count: the promoted node is newer, not a split brain (its record bounds the rest).
            volume.meta.update(m -> m.withGenerations(m.generations().dropUnacknowledged())).join();
        }
        volume.demoted();
    }

    /** Promotion, first half (the node stopped listening): the forwarding volume fails what waits. */
    void stopSecondary() {
        secondary.linkDown();
        // The node stopped listening, so nothing more is journaled: the primary writes the volume itself now,
        // from a volume that holds every entry (those held for a consistency point too).
        volume.journal.readable(0, volume.local.size()).join();
    }

    /**
     * Promotion, the data's part: a new generation, durable, that the old primary never saw (it
     * is behind, or in split brain, when it returns); not known identical to anyone any more, and
     * the outage bitmap counts from here what the old primary will lack when it rejoins.
     */
    long newGeneration() {
        VolumeState v = volume;
        v.resyncTarget = false; // a primary is nobody's resync target
        long generation = v.meta.get().generation() + 1;
        v.divergence.clear();
        v.meta.update(m -> m.withGeneration(generation).withClean(false).withResync(null)
                .withGenerations(m.generations().newCurrent())).join();
        return generation;
    }

    /** Promotion, last half: serve as the primary and scrub if configured. */
    void startPromoted(PairConfig cfg) {
        becomePrimary(cfg);
        scrubs.becamePrimary(mirrored()); // periodic scrubs are the primary's job, now this node's
    }

    void configureScrub(ScrubSettings settings) {
        Objects.requireNonNull(settings, "settings");
        synchronized (this) {
            scrubs.configure(settings, node.role() == Role.PRIMARY && !node.closed() ? mirrored() : null);
        }
    }

    void configureResyncRate(long bytesPerSecond) {
        resyncs.rate(bytesPerSecond);
    }

    private synchronized void stopPoints() {
        if (pointTimer != null) {
            pointTimer.cancel(false);
            pointTimer = null;
        }
    }

    /** The primary's consistency points, or null (a secondary, or {@code cp.enabled} off). */
    PointCutter points() {
        return points;
    }

    /** Ends this volume's link and fails what waits for it (retryable); the node closed the listener. */
    void close() {
        Replicator r;
        RecordSender rs;
        PeerClient c;
        SecondaryVolume sv;
        synchronized (this) {
            r = replicator;
            rs = recordSender;
            c = client;
            sv = secondary;
        }
        stopPoints();
        if (r != null) {
            r.close(); // first: what waits fails as "closing", rather than degrading when the link drops
        }
        if (rs != null) {
            rs.close();
        }
        if (c != null) {
            c.close();
        }
        if (sv != null) {
            sv.linkDown();
        }
        volume.record.close();
        scrubs.close();
        resyncs.close(); // a checksum resync's cursor is saved, but only this process may resume it (see open)
        scanThread.shutdown();
        scrubThread.shutdown();
        volume.markStopped();
        metaIo.shutdown();
        try {
            if (!metaIo.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "LUN {0}: pair metadata writes still running at close", volume.number);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- for the volume's parts (PairAdmin, PairMetrics, RoleVolume) ----

    boolean closed() {
        return node.closed();
    }

    PairNode node() {
        return node;
    }

    Role role() {
        return node.role();
    }

    /** The secondary's authenticated primary for this volume; null on a primary or without a link. No lock. */
    Channel primaryLink() {
        PeerServer s = node.server();
        return s == null ? null : s.primary(volume.number);
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
