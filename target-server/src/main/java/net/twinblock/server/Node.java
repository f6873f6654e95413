package net.twinblock.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import net.twinblock.iscsi.IscsiTarget;
import net.twinblock.iscsi.config.ConnectionLimits;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.lun.LogicalUnit;
import net.twinblock.iscsi.lun.LunIdentity;
import net.twinblock.iscsi.lun.PortGroup;
import net.twinblock.iscsi.reservation.LocalReservationStore;
import net.twinblock.iscsi.session.SessionInfo;
import net.twinblock.mirror.pair.PairNode;
import net.twinblock.mirror.pair.PairOptions;
import net.twinblock.mirror.pair.PointSettings;
import net.twinblock.mirror.pair.PairVolume;
import net.twinblock.mirror.pair.WitnessSettings;
import net.twinblock.mirror.record.PairRecord;
import net.twinblock.mirror.record.PersistGate;
import net.twinblock.mirror.record.RecordKeeper;
import net.twinblock.mirror.record.RecordSettings;
import net.twinblock.mirror.resync.ChecksumAlgorithm;
import net.twinblock.mirror.resync.OutageBitmap;
import net.twinblock.mirror.resync.ScrubSettings;
import net.twinblock.mirror.pair.PairStatus;
import net.twinblock.mirror.pair.SplitBrainStatus;
import net.twinblock.mirror.pair.Role;
import net.twinblock.mirror.store.DiskHealth;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Volume;
import net.twinblock.server.admin.AdminServer;
import net.twinblock.server.admin.BindFailure;
import net.twinblock.server.admin.MirrorSnapshot;
import net.twinblock.server.admin.Sizes;
import net.twinblock.server.admin.NodeView;
import net.twinblock.server.admin.PairSnapshot;
import net.twinblock.server.config.ConfigException;
import net.twinblock.server.config.Keys;
import net.twinblock.server.config.LunConfig;
import net.twinblock.server.config.MirrorSettings;
import net.twinblock.server.config.NodeConfig;
import net.twinblock.server.config.ValueParsers;
import net.twinblock.server.metrics.CommandCounters;
import net.twinblock.server.metrics.StorageCounters;
import net.twinblock.server.storage.FileReservationFiles;
import net.twinblock.server.storage.LunIdentities;
import net.twinblock.server.storage.PairPeerLink;
import net.twinblock.server.storage.PairPortGroup;
import net.twinblock.server.storage.VolumeStorage;

/**
 * One running node: volumes, the iSCSI target on top of them, and the admin endpoint, wired
 * from a {@link NodeConfig}. {@link #start} returns once everything listens; {@link #stop}
 * drains and closes in the reverse order. Past 500 lines because it starts and stops every part
 * (volumes, the pair, the target, the admin endpoint, their event loops and threads) in order,
 * each step a few lines, and the order is the point.
 */
public final class Node implements NodeView, AutoCloseable {

    private static final Logger LOG = System.getLogger(Node.class.getName());

    private final NodeConfig config;
    private final long startNanos = System.nanoTime();
    private final List<Lun> lunViews = new ArrayList<>();
    private final List<FileVolume> volumes = new ArrayList<>();
    private volatile String state = "starting";
    private Transport transport;
    private EventLoopGroup group;
    /**
     * The mirror links' loops: by default the host loops themselves ({@code group}), so a host's
     * write reaches the link, and the secondary's acknowledgement the host's connection, without
     * waking another thread (measured on 2 vCPUs: 4K random write QD1 through the pair 334-387 ->
     * 192-209 us, QD32 12-14k -> 18-20k IOPS). {@code mirror.loops} gives them their own, so a host
     * that keeps the iSCSI loops busy cannot delay the links' heartbeats and acks.
     */
    private EventLoopGroup mirrorGroup;
    /** The admin endpoint's own loop: no host load delays an administrator's promote. */
    private EventLoopGroup adminGroup;
    /** The CP map's granularity: a page, what a 4K random write fills whole (DESIGN section 6). */
    private static final int POINT_BLOCK_SIZE = 4096;
    private ExecutorService io;
    private final CommandCounters commands = new CommandCounters();
    private volatile IscsiTarget target;
    private volatile AdminServer admin;
    private volatile PairNode pair;
    private AccessWatch accessWatch;
    private volatile PairPortGroup portGroup;
    /** Runs admin commands that block (promotion writes metadata and binds): never the event loop. */
    private ExecutorService adminActions;
    private boolean stopped;

    private Node(NodeConfig config) {
        this.config = config;
    }

    /**
     * Opens the volumes, starts the target and the admin endpoint.
     *
     * @throws ConfigException if the config contradicts what is on disk (an image of another size)
     * @throws StartFailure    if something outside the config prevents starting (port in use, I/O error)
     */
    public static Node start(NodeConfig config) throws ConfigException, StartFailure {
        Node node = new Node(config);
        try {
            node.startAll();
            return node;
        } catch (ConfigException | StartFailure | RuntimeException | Error e) {
            node.releaseAll();
            throw e;
        }
    }

    private void startAll() throws ConfigException, StartFailure {
        warmAllocators();
        transport = Transport.best();
        int cores = Runtime.getRuntime().availableProcessors();
        // The loops never block (storage I/O goes to `io`); one per two cores by default, as the io
        // threads and the journal's want CPU too, and each hand-off between threads costs a wake-up.
        int hostLoops = config.get(Keys.ISCSI_LOOPS) > 0 ? config.get(Keys.ISCSI_LOOPS) : Math.max(1, cores / 2);
        group = transport.newGroup(hostLoops, "twinblock-iscsi");
        adminGroup = transport.newGroup(1, "twinblock-admin");
        io = newIoExecutor(cores);

        Map<Integer, LogicalUnit> luns = new LinkedHashMap<>();
        String targetName = config.get(Keys.ISCSI_TARGET);
        MirrorSettings mirror = config.mirror();
        List<PairNode.VolumeSetup> mirrored = new ArrayList<>();
        Map<Integer, FileVolume> opened = new LinkedHashMap<>();
        for (LunConfig lun : config.luns().values()) {
            boolean created = !Files.exists(lun.path());
            FileVolume volume = openVolume(lun);
            volumes.add(volume);
            opened.put(lun.lun(), volume);
            if (mirror.paired()) {
                // A volume created by this start is known empty: two new volumes start in sync
                // without a full copy. An existing one without pair metadata is assumed to hold data.
                mirrored.add(new PairNode.VolumeSetup(lun.lun(), volume, PairOptions.defaults()
                        .withVolumeCreated(created)
                        .withDivergence(new OutageBitmap(volume.size(), config.get(Keys.RESYNC_REGION_SIZE)))
                        .withRecord(record(lun.lun(), volume))
                        .withJournalMaxSize(config.get(Keys.JOURNAL_MAX_SIZE))
                        .withPoints(new PointSettings(config.get(Keys.CP_ENABLED), config.get(Keys.CP_INTERVAL),
                                config.get(Keys.CP_MAX_BYTES), POINT_BLOCK_SIZE, config.get(Keys.CP_FLUSH_SPACING)))));
            }
        }
        if (mirror.paired()) {
            // Every LUN is mirrored; the node has one role, so one ALUA state for all of them.
            pair = startPair(mirror, mirrored);
            pair.configureScrub(scrubSettings(config));
            pair.configureResyncRate(config.get(Keys.RESYNC_MAX_RATE));
            PairNode p = pair;
            PairPortGroup pg = new PairPortGroup(mirror.portGroup(), pair.role(), p::access);
            // Promotion flips ALUA at once; the frontend reads the state on every command.
            pair.onRoleChange(pg::roleChanged);
            portGroup = pg;
        }
        for (LunConfig lun : config.luns().values()) {
            LunIdentity identity = LunIdentities.of(targetName, lun);
            StorageCounters counters = new StorageCounters();
            Volume exported = pair != null ? pair.volume(lun.lun()).volume() : opened.get(lun.lun());
            PortGroup lunGroup = portGroup != null ? portGroup : PortGroup.standalone();
            luns.put(lun.lun(), new LogicalUnit(lun.lun(), identity, new VolumeStorage(exported, counters), lunGroup));
            DiskHealth health = opened.get(lun.lun()).health();
            lunViews.add(new Lun(lun.lun(), lun.sizeBytes(), lun.blockSize(), lun.path(), identity.serial(),
                    HexFormat.of().formatHex(identity.naa()), counters, () -> new Disk(health.failed(),
                    health.detached(), health.flushPoisoned(), health.failure())));
        }

        IscsiTargetConfig targetConfig = targetConfig(config, luns);
        target = new IscsiTarget(targetConfig, commands,
                new LocalReservationStore(new FileReservationFiles(config.get(Keys.DATA_DIR)), io));
        if (pair != null) {
            // One SCSI device with two target ports: reservations, resets and read-modify-write
            // commands go through the primary, over each LUN's mirror link.
            PairPeerLink.wire(pair, target);
            // Every change of this node's ALUA state is news to every I_T nexus (SPC-4 5.16.2.2).
            AccessWatch w = new AccessWatch(portGroup, ((PairPortGroup) portGroup)::role, target, group.next());
            accessWatch = w;
            pair.onRoleChange(role -> w.check());
        }
        try {
            target.start(group, transport.serverChannelClass());
        } catch (Exception e) {
            target.close();
            target = null;
            throw new StartFailure(whyBindFailed(targetConfig.portals(), e), e);
        }
        InetSocketAddress adminAddress = config.get(Keys.ADMIN_LISTEN);
        adminActions = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "twinblock-admin-action");
            t.setDaemon(true);
            return t;
        });
        try {
            admin = AdminServer.bind(adminGroup, transport.serverChannelClass(), adminAddress,
                    AdminVerb.routes(new AdminActions(this, pair, portGroup, adminActions, adminGroup.next())), AdminAccess.guard(config));
        } catch (BindFailure e) {
            throw new StartFailure(e.getMessage() + " (" + Keys.ADMIN_LISTEN.name() + ")", e);
        }
        state = "serving";
        LOG.log(Level.INFO, "serving " + targetName + " " + lunViews.stream().map(Node::describe)
                .collect(Collectors.joining(", ")) + " on " + portalList() + "; admin on "
                + ValueParsers.format(admin.localAddress()) + "; transport " + transport.why()
                + ", " + hostLoops + " event loop(s) for hosts"
                + (pair == null ? "" : mirrorGroup == group ? " and the mirror links"
                        : ", " + config.get(Keys.MIRROR_LOOPS) + " for the mirror links") + ", 1 for admin, "
                + ((ThreadPoolExecutor) io).getCorePoolSize() + " I/O threads");
        if (pair != null) {
            String lunList = "LUN" + (pair.volumeNumbers().size() == 1 ? " " : "s ")
                    + pair.volumeNumbers().stream().map(String::valueOf).collect(Collectors.joining(", "));
            String link = pair.role() == Role.PRIMARY
                    ? lunList + " mirrored to the secondary at " + ValueParsers.format(mirror.peer())
                    : lunList + " mirrored from the primary, which connects to " + ValueParsers.format(pair.listenAddress())
                    + (mirror.peer() == null ? "" : " (once promoted, this node connects to "
                    + ValueParsers.format(mirror.peer()) + ")");
            LOG.log(Level.INFO, "mirrored pair: this node is the " + roleName(pair.role()) + " (ALUA port group "
                    + mirror.portGroup() + ", " + portGroup.state().name().toLowerCase(java.util.Locale.ROOT) + "); "
                    + link + "; on peer loss: " + mirror.onPeerLoss().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Starts this node's side of the pair over every LUN's volume. */
    private PairNode startPair(MirrorSettings mirror, List<PairNode.VolumeSetup> mirrored) throws StartFailure {
        try {
            // Each mirrored LUN has a connection of its own, on the host loops unless mirror.loops says.
            int own = config.get(Keys.MIRROR_LOOPS);
            mirrorGroup = own == 0 ? group : transport.newGroup(own, "twinblock-mirror");
            InetSocketAddress witness = config.get(Keys.MIRROR_WITNESS);
            return PairNode.start(mirror.pairConfig(), mirrored, mirrorGroup, transport.serverChannelClass(),
                    transport.channelClass(), witness == null ? null : new WitnessSettings(witness,
                            config.get(Keys.ISCSI_TARGET), config.get(Keys.MIRROR_LEASE)));
        } catch (Exception e) {
            // Netty's bind rethrows the OS error unchecked-but-checked (sneaky), so catch it all.
            if (mirror.listen() != null && isBindFailure(e)) {
                throw new StartFailure("cannot listen for the mirror link on " + ValueParsers.format(mirror.listen())
                        + ": " + BindFailure.reason(e) + " (" + Keys.MIRROR_LISTEN.name() + ")", e);
            }
            throw new StartFailure("cannot start the mirror: " + e.getMessage(), e);
        }
    }

    /**
     * The predictive record of a mirrored LUN, in {@code <data.dir>/lun<N>.record} on both nodes.
     * A standalone node keeps none: the record bounds what differs from a partner, and it has none.
     */
    private PairRecord record(int lun, FileVolume volume) {
        RecordSettings s = new RecordSettings(config.get(Keys.RECORD_EXTENT_SIZE), config.get(Keys.RECORD_CAPACITY),
                config.get(Keys.RECORD_PREDICT_AHEAD), RecordSettings.DEFAULT_BUSY_HEADROOM);
        Path file = config.get(Keys.DATA_DIR).resolve("lun" + lun + ".record");
        return new RecordKeeper(file, s, volume.size(), io, PersistGate.OPEN, config.get(Keys.MIRROR_READ_GATE_TIMEOUT));
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.BindException || (c instanceof IOException
                    && String.valueOf(c.getMessage()).startsWith("bind("))) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    static String roleName(Role role) {
        return role.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The frontend's view of the config. */
    static IscsiTargetConfig targetConfig(NodeConfig c, Map<Integer, LogicalUnit> luns) {
        return new IscsiTargetConfig(c.get(Keys.ISCSI_TARGET), c.get(Keys.ISCSI_ALIAS), c.get(Keys.ISCSI_LISTEN),
                c.portalGroupTag(), c.chap(), luns, c.get(Keys.ISCSI_MAX_RECV_DATA_SEGMENT_LENGTH),
                c.get(Keys.ISCSI_FIRST_BURST_LENGTH), c.get(Keys.ISCSI_MAX_BURST_LENGTH),
                c.get(Keys.ISCSI_MAX_OUTSTANDING_R2T), c.get(Keys.ISCSI_COMMAND_WINDOW),
                c.get(Keys.ISCSI_NOP_INTERVAL), c.get(Keys.ISCSI_NOP_TIMEOUT), c.get(Keys.ISCSI_LOGIN_TIMEOUT),
                c.access()).withLimits(new ConnectionLimits(c.get(Keys.ISCSI_MAX_CONNECTIONS),
                c.get(Keys.ISCSI_MAX_CONNECTIONS_PER_ADDRESS), c.get(Keys.ISCSI_MAX_SESSIONS_PER_INITIATOR),
                c.get(Keys.ISCSI_IPV6_SOURCE_PREFIX)));
    }

    /**
     * Netty's allocators set themselves up (JFR event classes and all) on their first buffer,
     * which took 138 ms in a bare JVM here and 150-340 ms on a loaded node: done on an event loop,
     * that stall hit the first mirror link's heartbeats and the first host command. Paid here,
     * before anything listens.
     */
    private static void warmAllocators() {
        ByteBufAllocator.DEFAULT.directBuffer(1).release();
        ByteBufAllocator.DEFAULT.heapBuffer(1).release();
        PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
    }

    /**
     * File I/O threads. Positional reads and writes mostly copy to or from the page cache and
     * finish in microseconds, but an fdatasync (FUA, SYNCHRONIZE CACHE) can hold its thread
     * for milliseconds: two threads per core keep copies flowing while syncs wait, and 4..16
     * bounds it so a 2-core box still overlaps syncs and a 64-core box does not thrash the disk
     * queue. The queue is unbounded because the iSCSI command window already bounds the work.
     */
    private static ExecutorService newIoExecutor(int cores) {
        int threads = Math.max(4, Math.min(16, 2 * cores));
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r);
                    t.setName("twinblock-io-" + t.getId());
                    t.setDaemon(true);
                    return t;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    private FileVolume openVolume(LunConfig lun) throws ConfigException, StartFailure {
        Path path = lun.path();
        String sizeKey = Keys.lunKeyName(lun.lun(), Keys.LUN_SIZE);
        try {
            if (Files.isDirectory(path)) {
                throw new ConfigException(Keys.lunKeyName(lun.lun(), Keys.LUN_PATH), "is a directory, not an image file",
                        path.toString());
            }
            if (Files.isRegularFile(path) && Files.size(path) != lun.sizeBytes()) {
                // Never resize under a host's file system: a shrink loses data, a grow surprises it.
                throw new ConfigException(sizeKey, "the image " + path + " already exists with " + Files.size(path)
                        + " bytes; a LUN's size cannot change", Long.toString(lun.sizeBytes()));
            }
            FileVolume volume = FileVolume.open(path, lun.sizeBytes(), lun.blockSize(), io);
            volume.health().policy(DiskHealth.OnError.valueOf(config.get(Keys.DISK_ON_ERROR).toUpperCase(Locale.ROOT)));
            return volume;
        } catch (IOException | UncheckedIOException e) {
            throw new StartFailure("cannot open the image of LUN " + lun.lun() + " at " + path + ": "
                    + BindFailure.reason(e), e);
        } catch (IllegalArgumentException e) {
            throw new StartFailure("cannot open the image of LUN " + lun.lun() + ": " + e.getMessage(), e);
        }
    }

    /** scrub.* and resync.checksum as the engine takes them: one hash per block, 256 hashes per message. */
    static ScrubSettings scrubSettings(NodeConfig c) {
        return new ScrubSettings(c.get(Keys.SCRUB_INTERVAL), c.get(Keys.SCRUB_MAX_RATE), c.get(Keys.SCRUB_BUSY_RATE),
                c.get(Keys.SCRUB_REPAIR), ChecksumAlgorithm.fromConfig(Keys.RESYNC_CHECKSUM.name(),
                        c.get(Keys.RESYNC_CHECKSUM)), 1, 256);
    }

    /** Finds which portal could not be bound, so the message names it. */
    private static String whyBindFailed(List<InetSocketAddress> portals, Exception failure) {
        for (InetSocketAddress portal : portals) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true); // as Netty binds: TIME_WAIT leftovers are no conflict
                probe.bind(portal);
            } catch (IOException e) {
                return "cannot listen on " + ValueParsers.format(portal) + ": " + BindFailure.reason(e);
            }
        }
        return "cannot listen on " + portals.stream().map(ValueParsers::format).collect(Collectors.joining(", "))
                + ": " + BindFailure.reason(failure);
    }

    /**
     * Stops the node: no new connections, in-flight commands finish (bounded by
     * shutdown.drain-timeout), volumes are flushed and closed. Idempotent.
     */
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        state = "stopping";
        LOG.log(Level.INFO, "stopping");
        Duration drain = config.get(Keys.SHUTDOWN_DRAIN_TIMEOUT);
        if (target != null) {
            target.stopAccepting();
            try {
                target.drain(drain).get(drain.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.log(Level.WARNING, "in-flight commands did not finish within " + ValueParsers.human(drain)
                        + "; closing their connections (hosts will retry them)");
            } catch (ExecutionException e) {
                LOG.log(Level.WARNING, "draining in-flight commands failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        releaseAll();
        LOG.log(Level.INFO, "stopped");
    }

    /** Closes whatever was opened, in reverse order; safe on a half-started node. */
    private void releaseAll() {
        if (accessWatch != null) {
            accessWatch.close();
        }
        if (target != null) {
            target.close();
            target = null;
        }
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (adminActions != null) {
            adminActions.shutdownNow();
        }
        if (pair != null) {
            // Before the volumes: ends the link and fails what still waits on it (retryable).
            pair.close();
        }
        for (FileVolume v : volumes) {
            try {
                // close() waits for running I/O and ends with an fdatasync; flush first so a
                // failure is reported against the LUN in words an administrator acts on.
                v.flush().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.ERROR, "flush of " + v.file() + " failed; writes since the host's last "
                        + "SYNCHRONIZE CACHE may not be on disk: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            v.close();
        }
        volumes.clear();
        if (io != null) {
            io.shutdown();
            try {
                if (!io.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.log(Level.WARNING, "file I/O threads still busy after 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (EventLoopGroup g : new EventLoopGroup[] {group, mirrorGroup == group ? null : mirrorGroup, adminGroup}) {
            if (g != null) {
                g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static String describe(Lun l) {
        return "LUN " + l.lun() + " (" + Sizes.human(l.sizeBytes()) + ", " + l.blockSize() + "-byte blocks, "
                + l.path() + ")";
    }

    private String portalList() {
        List<InetSocketAddress> portals = config.get(Keys.ISCSI_LISTEN);
        return portals.stream().map(ValueParsers::format).collect(Collectors.joining(", "));
    }

    /** Where the admin endpoint listens (its real port when admin.listen used port 0 in tests). */
    public InetSocketAddress adminAddress() {
        return admin.localAddress();
    }

    // ---- NodeView

    @Override
    public String state() {
        return state;
    }

    @Override
    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public String version() {
        return Main.version();
    }

    @Override
    public String transport() {
        return transport.name();
    }

    @Override
    public String targetName() {
        return config.get(Keys.ISCSI_TARGET);
    }

    @Override
    public String targetAlias() {
        return config.get(Keys.ISCSI_ALIAS);
    }

    @Override
    public List<InetSocketAddress> portals() {
        return config.get(Keys.ISCSI_LISTEN);
    }

    @Override
    public String authentication() {
        var chap = config.chap();
        return chap.mutual() ? "mutual" : chap.required() ? "chap" : "none";
    }

    @Override
    public List<Lun> luns() {
        return List.copyOf(lunViews);
    }

    @Override
    public int iscsiConnections() {
        IscsiTarget t = target;
        return t == null ? 0 : t.connectionCount();
    }

    @Override
    public long iscsiConnectionsRefused() {
        IscsiTarget t = target;
        return t == null ? 0 : t.connectionsRefused();
    }

    @Override
    public List<SessionInfo> sessions() {
        IscsiTarget t = target;
        return t == null ? List.of() : t.sessions();
    }

    @Override
    public CommandCounters commands() {
        return commands;
    }

    @Override
    public PairSnapshot mirror() {
        PairNode p = pair;
        return p == null ? null : PairView.of(p, config.mirror(), portGroup);
    }

    /** This node's pair, or null when standalone (for tests). */
    public PairNode pair() {
        return pair;
    }
}
