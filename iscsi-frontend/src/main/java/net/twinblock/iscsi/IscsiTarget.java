package net.twinblock.iscsi;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.login.SessionAdmission;
import net.twinblock.iscsi.lun.PairPeer;
import net.twinblock.iscsi.login.SessionType;
import net.twinblock.iscsi.pdu.PduDecoder;
import net.twinblock.iscsi.pdu.PduEncoder;
import net.twinblock.iscsi.reservation.ReservationStore;
import net.twinblock.iscsi.scsi.AdditionalSense;
import net.twinblock.iscsi.scsi.ScsiCommandDispatcher;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;
import net.twinblock.iscsi.session.ConnectionLimiter;
import net.twinblock.iscsi.session.LoginBackoff;
import net.twinblock.iscsi.session.LoginHandler;
import net.twinblock.iscsi.session.SessionInfo;
import net.twinblock.iscsi.session.SessionRegistry;

/**
 * The iSCSI target of one node: listens on every configured portal and runs one session per
 * connection (MaxConnections=1). It keeps the session table, so it is also where logins are
 * admitted and sessions reinstated.
 *
 * <p>Shutdown: {@link #stopAccepting()}, then {@link #drain(Duration)} (commands in flight
 * finish and answer), then {@link #close()}.
 */
public final class IscsiTarget implements SessionAdmission, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(IscsiTarget.class.getName());

    private final IscsiTargetConfig cfg;
    private final ScsiTaskExecutor executor;
    /** The device server, when this target runs its own (null over a scripted SCSI layer). */
    private final ScsiCommandDispatcher dispatcher;
    private final SessionRegistry registry;
    private final LoginBackoff loginBackoff = new LoginBackoff();
    private final ConnectionLimiter limiter;
    private final ChannelGroup listeners = new DefaultChannelGroup("iscsi-portals", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup connections = new DefaultChannelGroup("iscsi-connections",
            GlobalEventExecutor.INSTANCE);

    /**
     * A target whose commands run in its own SCSI device server over {@code cfg.luns()};
     * {@code observer} sees every command (for the embedder's metrics).
     */
    public IscsiTarget(IscsiTargetConfig cfg, CommandObserver observer) {
        this(cfg, observer, ReservationStore.IN_MEMORY);
    }

    /**
     * As above, with every reservation change going through {@code reservations} before the
     * command that made it gets GOOD (APTPL files on one node; the peer too on a pair).
     */
    public IscsiTarget(IscsiTargetConfig cfg, CommandObserver observer, ReservationStore reservations) {
        this(cfg, new ScsiCommandDispatcher(cfg.luns(), reservations), observer);
    }

    private IscsiTarget(IscsiTargetConfig cfg, ScsiCommandDispatcher dispatcher, CommandObserver observer) {
        this(cfg, new ObservedExecutor(dispatcher, observer), dispatcher);
    }

    /**
     * This target's ALUA access state changed (a promotion, a demotion): every I_T nexus of every
     * LUN gets ASYMMETRIC ACCESS STATE CHANGED (2A/06) on its next command, so hosts re-read
     * REPORT TARGET PORT GROUPS; on a pair the partner's nexuses too, when it can be reached (its
     * REPORT TARGET PORT GROUPS lists this node's group).
     */
    public void accessStateChanged() {
        accessStateChanged(true);
    }

    /**
     * {@link #accessStateChanged()}, on this node's nexuses only unless {@code partnerToo}: a change
     * the partner's REPORT TARGET PORT GROUPS does not show (it lists this node's group by role, so
     * only a role change alters it) is no news to the partner's hosts.
     */
    public void accessStateChanged(boolean partnerToo) {
        if (dispatcher == null) {
            return; // a scripted SCSI layer keeps its own state
        }
        for (int lun : cfg.luns().keySet()) {
            if (partnerToo) {
                dispatcher.postUnitAttentionOnBoth(lun, AdditionalSense.ASYMMETRIC_ACCESS_STATE_CHANGED);
            } else {
                dispatcher.postUnitAttention(lun, AdditionalSense.ASYMMETRIC_ACCESS_STATE_CHANGED);
            }
        }
    }

    /**
     * Makes this target one node of a pair (see {@link ScsiCommandDispatcher#pairWith}): call before
     * {@link #start}; the embedder then hands the partner's messages to {@link #peerMessage} and runs
     * the partner's forwarded writes through {@link #admitPartnerWrite}.
     */
    public void pairWith(PairPeer partner) {
        deviceServer().pairWith(partner);
    }

    /** A message from the partner about LUN {@code lun}; completes with the answer it waits for. */
    public CompletableFuture<byte[]> peerMessage(int lun, byte[] message) {
        return deviceServer().peerMessage(lun, message);
    }

    /** On a forwarding node, its link came up: see {@link ScsiCommandDispatcher#refreshReservationState}. */
    public CompletableFuture<Void> refreshReservationState(int lun) {
        return deviceServer().refreshReservationState(lun);
    }

    /** See {@link ScsiCommandDispatcher#admitPartnerWrite}. */
    public CompletableFuture<Runnable> admitPartnerWrite(int lun) {
        return deviceServer().admitPartnerWrite(lun);
    }

    private ScsiCommandDispatcher deviceServer() {
        if (dispatcher == null) {
            throw new IllegalStateException("this target runs a scripted SCSI layer");
        }
        return dispatcher;
    }

    /** A target over another SCSI layer: tests drive the session layer with a scripted one. */
    public IscsiTarget(IscsiTargetConfig cfg, ScsiTaskExecutor executor) {
        this(cfg, executor, (ScsiCommandDispatcher) null);
    }

    private IscsiTarget(IscsiTargetConfig cfg, ScsiTaskExecutor executor, ScsiCommandDispatcher dispatcher) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.dispatcher = dispatcher;
        this.registry = new SessionRegistry(cfg.limits().maxSessionsPerInitiator());
        this.limiter = new ConnectionLimiter(cfg.limits());
        if (dispatcher != null) {
            dispatcher.abortTasksThrough(registry::abortTasks); // PREEMPT AND ABORT reaches the sessions
        }
    }

    /** Binds every portal. Throws (and binds nothing) if one cannot be bound. */
    public void start(EventLoopGroup group, Class<? extends ServerChannel> channelClass) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (!admit(ch)) {
                            return;
                        }
                        connections.add(ch);
                        ch.pipeline()
                                .addLast("pduDecoder", new PduDecoder())
                                .addLast("pduEncoder", new PduEncoder())
                                // Responses of one read batch leave in one write; explicit flushes
                                // that come while more reads are pending are merged.
                                .addLast("flushConsolidation", new FlushConsolidationHandler(
                                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                                .addLast("login", new LoginHandler(cfg, executor, registry, loginBackoff));
                    }
                });
        List<Channel> bound = new ArrayList<>();
        try {
            for (InetSocketAddress portal : cfg.portals()) {
                Channel ch = bootstrap.bind(portal).syncUninterruptibly().channel();
                bound.add(ch);
                LOG.log(Level.INFO, "iSCSI target {0} listening on {1}", cfg.targetName(), ch.localAddress());
            }
        } catch (RuntimeException e) {
            bound.forEach(Channel::close);
            throw new IllegalStateException("cannot listen on iSCSI portal: " + e.getMessage(), e);
        }
        listeners.addAll(bound);
    }

    /**
     * Counts a new connection in, or closes it at once when it would pass iscsi.max-connections
     * or iscsi.max-connections-per-address; nothing of it has been read yet.
     */
    private boolean admit(Channel ch) {
        String source = limiter.sourceOf(ch.remoteAddress());
        ConnectionLimiter.Verdict verdict = limiter.admit(source);
        if (verdict == ConnectionLimiter.Verdict.ADMITTED) {
            ch.closeFuture().addListener(f -> limiter.release(source));
            return true;
        }
        if (limiter.logDue(System.nanoTime(), TimeUnit.SECONDS.toNanos(10))) {
            LOG.log(Level.WARNING, "connection from {0} closed: {1} ({2} refused since start)", source,
                    verdict == ConnectionLimiter.Verdict.TOO_MANY
                            ? "the target has " + cfg.limits().maxConnections() + " connections (iscsi.max-connections)"
                            : "that source has " + cfg.limits().maxConnectionsPerAddress()
                            + " connections (iscsi.max-connections-per-address; an IPv6 source is its"
                            + " iscsi.ipv6-source-prefix)", Long.toString(limiter.refused()));
        }
        ch.close();
        return false;
    }

    /** Open iSCSI connections (logged in or not). */
    public int connectionCount() {
        return limiter.open();
    }

    /** Connections closed at accept by iscsi.max-connections or iscsi.max-connections-per-address. */
    public long connectionsRefused() {
        return limiter.refused();
    }

    /** The addresses actually bound (port 0 in the config becomes a real port here). */
    public List<InetSocketAddress> boundPortals() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel ch : listeners) {
            out.add((InetSocketAddress) ch.localAddress());
        }
        return out;
    }

    /** Stops listening; sessions already logged in go on. */
    public void stopAccepting() {
        listeners.close().awaitUninterruptibly();
    }

    /**
     * Takes no new commands and completes when every command in flight has answered and the
     * answers are flushed, or after {@code max} (then what was left is logged).
     */
    public CompletableFuture<Void> drain(Duration max) {
        return registry.drain(max);
    }

    /** Drops every connection and stops listening. */
    @Override
    public void close() {
        stopAccepting();
        registry.terminateAll("target shutting down");
        connections.close().awaitUninterruptibly();
    }

    public List<SessionInfo> sessions() {
        return registry.infos();
    }

    @Override
    public int admit(String initiatorName, long isid, int tsihFromInitiator, SessionType type, String chapName) {
        SessionRegistry.Admitted a = registry.admit(initiatorName, isid, tsihFromInitiator, type,
                chapName == null ? "embedder" : "CHAP name " + chapName);
        return a == null ? NO_SUCH_SESSION : a.tsih();
    }
}
