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
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
 * <p>Most of it is the documented API the server and the tests call, each a few lines handing
 * the work to a part: the volumes by LUN ({@link NodeVolumes}), the role and its changes
 * ({@link NodeRole}), {@link PairAdmin}, {@link Quorum} for the witness's rules,
 * {@link ServingGate} for who may serve.
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

    private final EventLoopGroup group;
    /** The node's role, its configuration and its changes (under this node's lock). */
    final NodeRole roles;
    private final NodeVolumes volumes;
    private final PairAdmin admin = new PairAdmin(this);
    /** The longest the partner went quiet on any volume's link, against the 3 heartbeats that end one. */
    final PeerSilence peerSilence = new PeerSilence();

    private volatile boolean closed;
    /** The witness's rules, when mirror.witness is set; else null. */
    private volatile Quorum quorum;
    /** Whether this node may serve hosts now (a primary waiting for confirmation, or fenced, may not). */
    final ServingGate gate = new ServingGate(this);

    private PairNode(PairConfig cfg, List<VolumeSetup> setups, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel) {
        this.group = group;
        this.roles = new NodeRole(this, cfg, group, serverChannel, clientChannel);
        this.volumes = new NodeVolumes(this, setups);
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
                node.quorum = Quorum.join(node, witness, cfg.secret(), group, clientChannel);
                role = node.quorum.roleAtStart(role);
            }
            node.gate.start(witness == null && role == Role.PRIMARY && cfg.peer() != null);
            for (PairVolume v : node.volumes.all()) {
                v.open(role);
            }
            node.roles.start(role);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        if (node.quorum != null) {
            node.quorum.start();
        }
        LOG.log(Level.INFO, "pair node {0} started as {1}, mirroring LUNs {2}", cfg.nodeName(), node.role(),
                node.volumes.numbers());
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
        return volumes.all();
    }

    /** Volume {@code number}, or null if this node does not mirror it. */
    public PairVolume volume(int number) {
        return volumes.get(number);
    }

    /** The volume numbers (LUNs) this node mirrors, ascending. */
    public List<Integer> volumeNumbers() {
        return volumes.numbers();
    }

    /**
     * The volume to export, for a node of one volume. Stable across promotion.
     *
     * @throws IllegalStateException if the node mirrors several volumes (ask {@link #volume(int)})
     */
    public Volume volume() {
        return volumes.only().volume();
    }

    public Role role() {
        return roles.role();
    }

    public PairState state() {
        return status().state();
    }

    /**
     * The node's pair status: its role, the least healthy volume's state, the partner's address
     * (while any volume is linked), and copy progress summed over the volumes.
     */
    public PairStatus status() {
        return volumes.status(roles.role());
    }

    /** Where a secondary listens (port 0 resolved); null on a primary. */
    public InetSocketAddress listenAddress() {
        return roles.listenAddress();
    }

    /** Called (on the promoting thread) after every role change, e.g. to flip ALUA port states. */
    public void onRoleChange(Consumer<Role> listener) {
        roles.onChange(listener);
    }

    /** The pair's metadata of a node of one volume (volume id, generation, flags). */
    public PairMetadata.Meta metadata() {
        return volumes.only().metadata();
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
        return volumes.only().metrics();
    }

    /**
     * The primary's write-ordering lock of a node of one volume: every host write holds its range
     * until both nodes have it. A resync or repair copy takes the same lock so an older copy never
     * lands after a newer write. Null on a secondary; a new lock after promotion, so ask again
     * after a role change.
     */
    public RangeLock ranges() {
        return volumes.only().ranges();
    }

    /**
     * scrub.* and resync.checksum, for every volume. Call right after start; a primary then
     * scrubs on scrub.interval (if set) and on {@link #verify()}.
     */
    public void configureScrub(ScrubSettings settings) {
        for (PairVolume v : volumes.all()) {
            v.configureScrub(settings);
        }
    }

    /** resync.max-rate (0: unlimited), per volume; applies to checksum resyncs that start after the call. */
    public void configureResyncRate(long bytesPerSecond) {
        for (PairVolume v : volumes.all()) {
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
        return roles.config().nodeName();
    }

    /** The partner's name as it last introduced itself at a handshake; null if none since this node started. */
    public String peerName() {
        return volumes.peerName();
    }

    /** Both sides of a standing split brain of a node of one volume; null if there is none. */
    public SplitBrainStatus splitBrain() {
        return volumes.only().splitBrain();
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
            s = roles.server();
        }
        Quorum q = quorum;
        if (q != null) {
            q.close();
        }
        for (PairVolume v : volumes.all()) {
            v.close();
        }
        if (s != null) {
            s.close();
        }
    }

    // ---- for the node's parts ----

    boolean allVolumesLinked() {
        return volumes.allLinked();
    }

    /** See {@link NodeVolumes#partnerConfirmedEvery()}. */
    boolean partnerConfirmedEveryVolume() {
        return volumes.partnerConfirmedEvery();
    }

    boolean anyVolumeLinked() {
        return volumes.anyLinked();
    }

    boolean allVolumesInSync() {
        return volumes.allInSync();
    }

    /** The witness recorded the secondary outdated: every volume's held writes go on alone. */
    void peerOutdated() {
        for (PairVolume v : volumes.all()) {
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
        return roles.config();
    }

    boolean closed() {
        return closed;
    }

    EventLoopGroup group() {
        return group;
    }

    PeerServer server() {
        return roles.server();
    }
}
