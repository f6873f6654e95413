package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.link.PeerSilence;
import net.twinblock.mirror.resync.ChecksumResync;
import net.twinblock.mirror.resync.GenerationHistory;
import net.twinblock.mirror.resync.ScrubReport;
import net.twinblock.mirror.resync.ScrubSettings;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Volume;

/**
 * One node of the pair: what the server starts, exports and asks for status. The node owns its
 * role, which all its mirrored volumes share ({@link PairVolume}, one per LUN, each with its own
 * link connection, resyncs and state): a primary mirrors every write of each volume to its
 * secondary ({@link MirroredVolume}) and connects to mirror.peer once per volume; a secondary
 * listens on mirror.listen for all of them, applies what its primary sends and forwards host
 * writes to it ({@link SecondaryVolume}). {@link #promote()} turns a secondary whose primary is
 * gone into the primary, every volume at once.
 *
 * <p>The facade over the node's parts: what each end does with a link ({@link PrimaryLinkSide},
 * {@link SecondaryLinkSide}, {@link LinkPipeline}), the primary's resyncs and scrubs
 * ({@link ResyncCoordinator}, {@link ScrubControl}), split brains ({@link SplitBrainResolver}),
 * the administrator's operations ({@link PairAdmin}) and the counters ({@link PairMetrics}).
 *
 * <p>Past 500 lines because most of it is the documented API the server and the tests call, each
 * a few lines handing the work to a part (every volume's {@link PairVolume}, {@link PairAdmin},
 * {@link Quorum} for the witness's rules, {@link ServingGate} for who may serve).
 *
 * <p>The node does not own the local {@link FileVolume}s (the caller opened them and closes them
 * after {@link #close()}), nor the event loop group.
 */
public final class PairNode implements AutoCloseable {

    private static final Logger LOG = System.getLogger(PairNode.class.getName());

    /** One volume to mirror: its number (the LUN, the same on both nodes), local file and hooks. */
    public record VolumeSetup(int number, FileVolume local, PairOptions options) {
        public VolumeSetup {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(options, "options");
            if (number < 0 || number > PeerIdentity.MAX_VOLUME) {
                throw new IllegalArgumentException("volume number " + number + " out of range 0.."
                        + PeerIdentity.MAX_VOLUME);
            }
        }
    }

    /** Not final: promotion switches a SUSPEND policy to CONTINUE (see {@link #startPromoted()}). */
    private volatile PairConfig cfg;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> clientChannel;
    private final PeerAuth auth;
    private final SortedMap<Integer, PairVolume> volumes = new TreeMap<>();
    private final List<Integer> volumeNumbers;
    private final List<Consumer<Role>> roleListeners = new CopyOnWriteArrayList<>();
    private final PairAdmin admin = new PairAdmin(this);
    /** The longest the partner went quiet on any volume's link, against the 3 heartbeats that end one. */
    final PeerSilence peerSilence = new PeerSilence();

    private volatile Role role;
    private volatile boolean closed;
    /** The witness's rules, when mirror.witness is set; else null. */
    private volatile Quorum quorum;
    /** Whether this node may serve hosts now (a primary waiting for confirmation, or fenced, may not). */
    final ServingGate gate = new ServingGate(this);
    /** The secondary's listener, shared by every volume's link; null on a primary. */
    private volatile PeerServer server;

    private PairNode(PairConfig cfg, List<VolumeSetup> setups, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel) {
        this.cfg = cfg;
        this.group = group;
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.auth = new PeerAuth(cfg.secret());
        if (setups.isEmpty() || setups.size() > PeerIdentity.MAX_VOLUMES) {
            throw new IllegalArgumentException("a pair mirrors 1 to " + PeerIdentity.MAX_VOLUMES + " volumes, not "
                    + setups.size());
        }
        for (VolumeSetup v : setups) {
            if (volumes.containsKey(v.number())) {
                throw new IllegalArgumentException("volume " + v.number() + " given twice");
            }
            volumes.put(v.number(), new PairVolume(this, v.number(), v.local(), v.options()));
        }
        this.volumeNumbers = List.copyOf(volumes.keySet());
    }

    /** {@link #start(PairConfig, FileVolume, EventLoopGroup, Class, Class, PairOptions)} with default hooks. */
    public static PairNode start(PairConfig cfg, FileVolume local, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel) {
        return start(cfg, local, group, serverChannel, clientChannel, PairOptions.defaults());
    }

    /** A node that mirrors one volume, number 0. */
    public static PairNode start(PairConfig cfg, FileVolume local, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel, PairOptions options) {
        return start(cfg, List.of(new VolumeSetup(0, local, options)), group, serverChannel, clientChannel);
    }

    /**
     * Starts the node in its configured role: a secondary binds mirror.listen (and throws if it
     * cannot), a primary starts connecting to mirror.peer in the background, once per volume.
     * Blocking (metadata files, bind): call at startup, not on an event loop.
     */
    public static PairNode start(PairConfig cfg, List<VolumeSetup> setups, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel) {
        return start(cfg, setups, group, serverChannel, clientChannel, null);
    }

    /**
     * {@link #start(PairConfig, List, EventLoopGroup, Class, Class)} with a witness (null for none):
     * the role the witness records wins over the configured one (a node it does not name primary
     * starts as secondary), and its rules decide who serves after a failure ({@link Quorum}).
     */
    public static PairNode start(PairConfig cfg, List<VolumeSetup> setups, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel,
            WitnessSettings witness) {
        Objects.requireNonNull(cfg, "cfg");
        PairNode node = new PairNode(cfg, setups, group, serverChannel, clientChannel);
        try {
            Role role = cfg.role();
            if (witness != null) {
                node.quorum = Quorum.join(node, witness, node.cfg.secret(), group, clientChannel);
                role = node.quorum.roleAtStart(role);
            }
            node.gate.start(witness == null && role == Role.PRIMARY && cfg.peer() != null);
            for (PairVolume v : node.volumes.values()) {
                v.open(role);
            }
            if (role == Role.PRIMARY) {
                node.becomePrimary();
            } else {
                node.becomeSecondary();
            }
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        if (node.quorum != null) {
            node.quorum.start();
        }
        LOG.log(Level.INFO, "pair node {0} started as {1}, mirroring LUNs {2}", cfg.nodeName(), node.role,
                node.volumeNumbers);
        return node;
    }

    /**
     * Whether this node may serve hosts now: a secondary while linked to its primary (it forwards
     * writes; its reads are gated); a primary with a witness while it holds the lease or has its secondary on every
     * volume; a primary without one once its partner confirmed it or an administrator forced it.
     * The server shows a port that may not serve as ALUA UNAVAILABLE.
     */
    public boolean serving() {
        return gate.serving();
    }

    /** What this node can do for hosts now (the server's ALUA state). */
    public NodeAccess access() {
        return gate.access();
    }

    /** Why this node does not serve (for status and health); null while it serves. */
    public String notServing() {
        return gate.notServing();
    }

    /** Whether this node reaches its witness now; null without one. */
    public Boolean witnessConnected() {
        Quorum q = quorum;
        return q == null ? null : q.connected();
    }

    /** The witness as this node sees it, for status; null without one. */
    public String witness() {
        Quorum q = quorum;
        return q == null ? null : q.describe();
    }

    /** Quorum as this node sees it, for status; null without a witness. */
    public QuorumView quorumView() {
        Quorum q = quorum;
        return q == null ? null : q.view();
    }

    // ---- what the server uses ----

    /** Every mirrored volume, by ascending number (LUN). */
    public Collection<PairVolume> volumes() {
        return volumes.values();
    }

    /** Volume {@code number}, or null if this node does not mirror it. */
    public PairVolume volume(int number) {
        return volumes.get(number);
    }

    /** The volume numbers (LUNs) this node mirrors, ascending. */
    public List<Integer> volumeNumbers() {
        return volumeNumbers;
    }

    /**
     * The volume to export, for a node of one volume. Stable across promotion.
     *
     * @throws IllegalStateException if the node mirrors several volumes (ask {@link #volume(int)})
     */
    public Volume volume() {
        return only().volume();
    }

    public Role role() {
        return role;
    }

    public PairState state() {
        return status().state();
    }

    /**
     * The node's pair status: its role, the least healthy volume's state, the partner's address
     * (while any volume is linked), and copy progress summed over the volumes.
     */
    public PairStatus status() {
        PairState worst = null;
        String peer = null;
        long done = 0;
        long total = 0;
        for (PairVolume v : volumes.values()) {
            PairStatus s = v.status();
            if (worst == null || severity(s.state()) > severity(worst)) {
                worst = s.state();
            }
            peer = peer != null ? peer : s.peer();
            done += s.syncDoneBytes();
            total += s.syncTotalBytes();
        }
        return new PairStatus(role, worst, peer, done, total);
    }

    /** How far from "in sync" a state is, to show a node by its least healthy volume. */
    private static int severity(PairState s) {
        return switch (s) {
            case IN_SYNC -> 0;
            case SYNCING -> 1;
            case CONNECTING -> 2;
            case DEGRADED -> 3;
            case SUSPENDED -> 4;
            case SPLIT_BRAIN -> 5;
        };
    }

    /** Where a secondary listens (port 0 resolved); null on a primary. */
    public InetSocketAddress listenAddress() {
        PeerServer s = server;
        return s == null ? null : s.localAddress();
    }

    /** Called (on the promoting thread) after every role change, e.g. to flip ALUA port states. */
    public void onRoleChange(Consumer<Role> listener) {
        roleListeners.add(listener);
    }

    /** The pair's metadata of a node of one volume (volume id, generation, flags). */
    public PairMetadata.Meta metadata() {
        return only().metadata();
    }

    /** {@link #promote(boolean)} without force: an inconsistent copy is refused. */
    public void promote() {
        promote(false);
    }

    /**
     * Makes this secondary the primary, every volume at once: refused while its primary is still
     * connected on any volume (two primaries would split the data), and, unless {@code force},
     * while any volume is the target of an unfinished resync (see {@link PairMetadata.Meta#consistent()}):
     * it would serve a half-copied image. Stops listening, bumps each volume's data generation
     * durably (a returning old primary then sees it is behind), and starts mirroring towards
     * mirror.peer, where the old primary can rejoin as secondary. Blocking: not on an event loop.
     *
     * @param force promote an inconsistent copy anyway (the administrator accepts missing writes)
     * @throws IllegalStateException if this node is the primary already, its primary is connected,
     *         or a copy is inconsistent and not forced
     */
    public void promote(boolean force) {
        admin.promote(force);
    }

    /**
     * Makes this primary a secondary, every volume at once: an administrator's switchover. Refused
     * unless every volume is in sync with the partner (else no up-to-date node would be left to
     * promote), or {@code force}. What waits for the secondary fails as retryable; each volume
     * keeps its record's extents, which the next link resyncs from the new primary. The node then
     * listens on mirror.listen. With a witness, the partner is promoted once this node's lease
     * runs out; without one, an administrator promotes it. Blocking: not on an event loop.
     *
     * @throws IllegalStateException on a secondary, without mirror.listen, or not in sync and not forced
     */
    public void demote(boolean force) {
        admin.demote(force);
    }

    /** Counters of a node of one volume, for the admin endpoint (each volume has its own: {@link PairVolume#metrics()}). */
    public Map<String, Long> metrics() {
        return only().metrics();
    }

    /**
     * The primary's write-ordering lock of a node of one volume: every host write holds its range
     * until both nodes have it. A resync or repair copy takes the same lock so an older copy never
     * lands after a newer write. Null on a secondary; a new lock after promotion, so ask again
     * after a role change.
     */
    public RangeLock ranges() {
        return only().ranges();
    }

    /**
     * scrub.* and resync.checksum, for every volume. Call right after start; a primary then
     * scrubs on scrub.interval (if set) and on {@link #verify()}.
     */
    public void configureScrub(ScrubSettings settings) {
        for (PairVolume v : volumes.values()) {
            v.configureScrub(settings);
        }
    }

    /** resync.max-rate (0: unlimited), per volume; applies to checksum resyncs that start after the call. */
    public void configureResyncRate(long bytesPerSecond) {
        for (PairVolume v : volumes.values()) {
            v.configureResyncRate(bytesPerSecond);
        }
    }

    /**
     * An administrator's checksum resync of a pair that looks in sync (e.g. after a disk was
     * replaced under the secondary), of every volume: both nodes hash every region, and the
     * blocks that differ are copied from this primary under the write path's range lock while
     * host writes go on. Not restartable; resync.max-rate applies.
     *
     * @return each volume's result by number, once all are done
     * @throws IllegalStateException on a secondary, without an in-sync link of every volume, or while one runs
     */
    public CompletableFuture<SortedMap<Integer, ChecksumResync.Result>> resyncNow() {
        return admin.resyncNow();
    }

    /**
     * Compares both copies of every volume now (scrub.max-rate applies) and reports the blocks
     * that differ; with scrub.repair, copies this node's blocks over them. Only on a primary with
     * its secondary in sync on every volume.
     *
     * @return each volume's report by number, once all are done
     * @throws IllegalStateException on a secondary, without an in-sync link of every volume, or when
     *         this node's copy of a volume is detached after a disk failure (stale: nothing to compare)
     */
    public CompletableFuture<SortedMap<Integer, ScrubReport>> verify() {
        return admin.verify();
    }

    /**
     * The administrator's answer to a split brain, run on the node whose data loses: the data
     * generation of each volume in split brain (of every volume if none is) is dropped, so the
     * next link with the partner makes it the target of a full copy, and what it alone wrote is
     * overwritten. Only on a secondary without a link (restart the losing node as secondary
     * first). Blocking.
     *
     * @return the generations after the change, by volume number
     * @throws IllegalStateException on a primary or while linked
     */
    public SortedMap<Integer, GenerationHistory> discardLocal() {
        return admin.discardLocal();
    }

    /**
     * {@code resolve --discard NAME}, run against either node of a refused pair: NAME this node
     * is {@link #discardLocal()}; NAME the partner keeps the administrator's order here, and the
     * next handshake of each volume in split brain makes the partner discard its data there (see
     * {@link DiscardOrder}). Blocking.
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
     * the discarded node's generations by volume (this node's after the discard, or the partner's
     * as last seen).
     */
    public record Resolution(String node, boolean local, SortedMap<Integer, GenerationHistory> generations) {
    }

    /** This node's name (node.name), as its partner and an administrator know it. */
    public String nodeName() {
        return cfg.nodeName();
    }

    /** The partner's name as it last introduced itself at a handshake; null if none since this node started. */
    public String peerName() {
        return volumes.values().stream().map(v -> v.splitBrain.state.peerName()).filter(Objects::nonNull)
                .findFirst().orElse(null);
    }

    /** Both sides of a standing split brain of a node of one volume; null if there is none. */
    public SplitBrainStatus splitBrain() {
        return only().splitBrain();
    }

    /**
     * Ends every volume's link and fails what still waits for it (retryable). Does not close the
     * local volumes or the event loop group. Blocking: not on an event loop.
     */
    @Override
    public void close() {
        PeerServer s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = server;
        }
        Quorum q = quorum;
        if (q != null) {
            q.close();
        }
        for (PairVolume v : volumes.values()) {
            v.close();
        }
        if (s != null) {
            s.close();
        }
    }

    // ---- roles ----

    private synchronized void becomePrimary() {
        role = Role.PRIMARY;
        for (PairVolume v : volumes.values()) {
            v.becomePrimary(cfg);
        }
    }

    private synchronized void becomeSecondary() {
        PeerServer s = new PeerServer(cfg.listen(), group, serverChannel, auth, cfg.tls(), cfg.heartbeat(),
                peerSilence);
        server = s;
        role = Role.SECONDARY;
        for (PairVolume v : volumes.values()) {
            v.becomeSecondary(s);
        }
        s.bind();
    }

    /** Promotion, first half: this secondary stops listening and each forwarding volume fails what waits. */
    synchronized void stopSecondary() {
        PeerServer s = server;
        server = null;
        s.close();
        for (PairVolume v : volumes.values()) {
            v.stopSecondary();
        }
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
        role = Role.PRIMARY;
        for (PairVolume v : volumes.values()) {
            v.startPromoted(cfg);
        }
    }

    /**
     * Demotion (under this node's lock, checks done): every volume's primary side stops, then the
     * node listens as the secondary. See {@link #demote(boolean)}; {@code fenced}: the witness
     * named another primary and this node never had the secondary outdated ({@link Quorum}).
     */
    synchronized void stopPrimary(String why, boolean fenced) {
        for (PairVolume v : volumes.values()) {
            v.stopPrimary(fenced);
        }
        gate.demoted();
        becomeSecondary();
        LOG.log(Level.WARNING, "demoted to SECONDARY ({0}): listening on {1} for the primary; what this node"
                + " wrote that the primary lacks is resynced from its record", why, cfg.listen());
    }

    void roleChanged(Role now) {
        for (Consumer<Role> l : roleListeners) {
            l.accept(now);
        }
    }

    /** A primary volume's link to the partner: one connection per volume, all to mirror.peer. */
    PeerClient connect(LinkSide side, Supplier<PeerIdentity> identity) {
        LinkSide watched = new ForwardingLinkSide(side) {
            @Override
            public boolean linkUp(Channel ch, PeerIdentity peer) {
                boolean up = side.linkUp(ch, peer);
                if (up) {
                    gate.volumeLinked();
                }
                return up;
            }

            @Override
            public void refused(Channel ch, net.twinblock.mirror.link.PeerErrorCode code, String reason) {
                side.refused(ch, code, reason);
                gate.volumeLinked(); // a LUN the partner does not have cannot be newer there
            }

            @Override
            public void linkDown(Channel ch) {
                side.linkDown(ch);
                Quorum q = quorum;
                if (q != null) {
                    q.peerLost();
                }
            }
        };
        PeerClient c = new PeerClient(cfg.peer(), group, clientChannel, auth, cfg.tls(), cfg.heartbeat(), peerSilence,
                identity, watched);
        c.start();
        return c;
    }

    // ---- for the node's parts ----

    boolean allVolumesLinked() {
        return volumes.values().stream().allMatch(PairVolume::linked);
    }

    /**
     * Every volume either linked or refused for the configuration (a LUN the partner does not
     * have, or has with another size), and at least one linked: the partner confirmed it holds
     * no newer data of any volume it has.
     */
    boolean partnerConfirmedEveryVolume() {
        return anyVolumeLinked() && volumes.values().stream().allMatch(v -> v.linked() || v.refusal() != null);
    }

    boolean anyVolumeLinked() {
        return volumes.values().stream().anyMatch(PairVolume::linked);
    }

    boolean allVolumesInSync() {
        return volumes.values().stream().allMatch(v -> v.status().state() == PairState.IN_SYNC);
    }

    /** The witness recorded the secondary outdated: every volume's held writes go on alone. */
    void peerOutdated() {
        for (PairVolume v : volumes.values()) {
            v.peerOutdated();
        }
    }

    /** PeerLossPolicy's gate: with a witness, whether it recorded the secondary outdated; null without one. */
    java.util.function.BooleanSupplier outdatedGate() {
        Quorum q = quorum;
        return q == null ? null : q::peerOutdated;
    }

    /** The witness granted this secondary the primary role: promote (no administrator involved). */
    void promoteGranted() {
        admin.promoteGranted();
    }

    /**
     * The witness names {@code primary} primary at {@code epoch}: rejoin as its secondary.
     * {@code wroteAlone}: this node had the secondary outdated, so it may have acknowledged writes
     * alone, which must surface as a split brain rather than be resynced away.
     */
    void demoteFenced(String primary, long epoch, boolean wroteAlone) {
        admin.demoteFenced(primary, epoch, wroteAlone);
    }

    Quorum quorum() {
        return quorum;
    }

    PairConfig config() {
        return cfg;
    }

    boolean closed() {
        return closed;
    }

    EventLoopGroup group() {
        return group;
    }

    PeerServer server() {
        return server;
    }

    /** The single volume of a node of one volume, for the single-volume accessors. */
    private PairVolume only() {
        if (volumes.size() != 1) {
            throw new IllegalStateException("this node mirrors LUNs " + volumeNumbers + ": ask for one by number");
        }
        return volumes.get(volumes.firstKey());
    }
}
