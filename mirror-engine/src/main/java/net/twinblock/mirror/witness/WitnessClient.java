package net.twinblock.mirror.witness;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import net.twinblock.mirror.link.Redialer;
import net.twinblock.mirror.link.SharedKey;

/**
 * A node's connection to its witness: non-blocking, every call a {@link CompletableFuture}
 * completed on the connection's event loop (never block in a continuation). It connects on
 * {@link #start}, authenticates with the pair's key, and redials whenever the connection is lost
 * or refused, backing off from {@code minBackoff} to {@code maxBackoff}. Calls may be made from
 * any thread and are pipelined.
 *
 * <p>A call made while no authenticated connection exists fails at once with
 * {@link WitnessUnavailableException} (saying why there is none); one that gets no answer within
 * the call time-out fails with {@link WitnessTimeoutException}. A refusal is not a failure: it
 * completes normally with a {@link WitnessAnswer} whose {@link Verdict} says why.
 */
public final class WitnessClient implements AutoCloseable {

    private static final Logger LOG = System.getLogger(WitnessClient.class.getName());
    private static final WitnessFrameEncoder ENCODER = new WitnessFrameEncoder();

    private final InetSocketAddress witness;
    /** host:port as an administrator wrote it, for messages. */
    private final String name;
    private final Redialer redialer;
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile PendingCalls calls;
    private volatile boolean closed;

    /**
     * @param secret the pair's key (the nodes' mirror.secret-file), at least 16 bytes
     */
    public WitnessClient(InetSocketAddress witness, byte[] secret, WitnessClientSettings settings, EventLoopGroup group,
            Class<? extends Channel> channelClass) {
        this.witness = Objects.requireNonNull(witness, "witness address");
        this.name = witness.getHostString() + ":" + witness.getPort();
        Objects.requireNonNull(settings, "settings");
        SharedKey key = new SharedKey(secret);
        long timeout = settings.callTimeout().toNanos();
        long margin = settings.leaseMargin().toNanos();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, settings.callTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        PendingCalls pending = new PendingCalls(ch, name, timeout, margin);
                        ch.pipeline().addLast("encoder", ENCODER)
                                .addLast("decoder", new WitnessFrameDecoder())
                                .addLast("handshake", new ClientHandshake(key, timeout, pending, outcome(ch)));
                    }
                });
        this.redialer = new Redialer("witness", witness, bootstrap, group, settings.minBackoff(),
                settings.maxBackoff());
    }

    /** Starts connecting; returns at once. */
    public void start() {
        redialer.start();
    }

    public InetSocketAddress witness() {
        return witness;
    }

    /** True while an authenticated connection is up. */
    public boolean connected() {
        return calls != null;
    }

    /** Why there is no authenticated connection, for status and logs; null while connected. */
    public String problem() {
        return connected() ? null : redialer.lastProblem();
    }

    /** The recorded primary renews (or, for a pair the witness does not know, founds) its lease. */
    public CompletableFuture<WitnessAnswer> renewLease(String pairId, String node, long epoch) {
        return call(WitnessFrameType.RENEW_LEASE, pairId, node, epoch);
    }

    /** The primary has the witness record durably that its peer is outdated (before acknowledging writes it misses). */
    public CompletableFuture<WitnessAnswer> outdatePeer(String pairId, String node, long epoch) {
        return call(WitnessFrameType.OUTDATE_PEER, pairId, node, epoch);
    }

    /** The primary says its peer is in sync again. */
    public CompletableFuture<WitnessAnswer> markPeerUpToDate(String pairId, String node, long epoch) {
        return call(WitnessFrameType.MARK_PEER_UP_TO_DATE, pairId, node, epoch);
    }

    /** The node that is not primary asks to become primary; granted: the answer's epoch is the new one. */
    public CompletableFuture<WitnessAnswer> requestPromotion(String pairId, String node, long epoch) {
        return call(WitnessFrameType.REQUEST_PROMOTION, pairId, node, epoch);
    }

    /** An administrator's promote --force: {@code node} becomes primary at the next epoch whatever the lease. */
    public CompletableFuture<WitnessAnswer> forcePromote(String pairId, String node) {
        return call(WitnessFrameType.FORCE_PROMOTE, pairId, node, 0);
    }

    /** The pair's state and the primary's remaining lease as the witness sees them. */
    public CompletableFuture<WitnessAnswer> query(String pairId) {
        return call(WitnessFrameType.QUERY, pairId, "", 0);
    }

    /** @throws IllegalArgumentException for a name that cannot be sent (empty, over 255 bytes) or a negative epoch */
    private CompletableFuture<WitnessAnswer> call(WitnessFrameType op, String pairId, String node, long epoch) {
        PairRequest r = new PairRequest(op, requestIds.incrementAndGet(), pairId, node, epoch);
        PendingCalls c = calls;
        if (c == null) {
            return CompletableFuture.failedFuture(new WitnessUnavailableException("not connected to the witness "
                    + name + ": " + problem()));
        }
        return c.send(r);
    }

    private ClientHandshake.Outcome outcome(Channel ch) {
        return new ClientHandshake.Outcome() {
            @Override
            public void authenticated(PendingCalls pending) {
                redialer.connected();
                calls = pending;
                ch.closeFuture().addListener(f -> lost(pending));
                LOG.log(Level.INFO, "witness {0}: connected and authenticated", name);
            }

            @Override
            public void problem(String what) {
                redialer.problem(what);
            }
        };
    }

    private void lost(PendingCalls pending) {
        if (calls == pending) {
            calls = null;
        }
        if (!closed) {
            redialer.problem("connection lost");
        }
    }

    /** Stops redialling and closes the connection; calls still waiting fail with {@link WitnessUnavailableException}. */
    @Override
    public void close() {
        closed = true;
        redialer.close();
    }
}
