package net.twinblock.mirror.pair;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import net.twinblock.mirror.link.PeerAuth;


import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.link.PeerSilence;

/**
 * The primary's end of the mirror link: connects to the secondary (mirror.peer), runs the
 * handshake, and reconnects whenever the link is lost, backing off exponentially from 100 ms to
 * 5 s so a dead peer costs a connect attempt every few seconds, not a busy loop.
 */
public final class PeerClient implements AutoCloseable {

    private static final Logger LOG = System.getLogger(PeerClient.class.getName());
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5000;

    private final InetSocketAddress peer;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private volatile boolean closed;
    private volatile Channel channel;
    private int failures;
    private String lastProblem;

    PeerClient(InetSocketAddress peer, EventLoopGroup group, Class<? extends Channel> channelClass, PeerAuth auth,
            Duration heartbeat, PeerSilence silence, Supplier<PeerIdentity> local, LinkSide side) {
        this.peer = Objects.requireNonNull(peer, "mirror.peer");
        this.group = group;
        LinkSide tracking = new ForwardingLinkSide(side) {
            @Override
            public boolean linkUp(Channel ch, PeerIdentity remote) {
                synchronized (PeerClient.this) {
                    failures = 0; // a good link resets the backoff
                    lastProblem = null;
                }
                LOG.log(Level.INFO, "mirror link to secondary {0} ({1}) is up", peer, remote.nodeId());
                ch.closeFuture().addListener(f -> side.linkDown(ch));
                return side.linkUp(ch, remote);
            }
        };
        this.bootstrap = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        LinkPipeline.connecting(ch, heartbeat, silence, new PrimaryHandshake(auth, local, tracking));
                    }
                });
    }

    /** Starts connecting; returns at once. */
    void start() {
        connect();
    }

    /** The peer this client connects to. */
    public InetSocketAddress peer() {
        return peer;
    }

    private void connect() {
        if (closed) {
            return;
        }
        ChannelFuture f = bootstrap.connect(peer);
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                problem("cannot connect: " + done.cause().getMessage());
                retryLater();
            } else if (closed) {
                f.channel().close(); // close() ran while this attempt was connecting
            } else {
                f.channel().closeFuture().addListener(c -> retryLater());
            }
        });
    }

    private void problem(String what) {
        boolean fresh;
        synchronized (this) {
            fresh = !what.equals(lastProblem);
            lastProblem = what;
        }
        // One line per new problem, not one per retry: a peer down for an hour must not flood the log.
        LOG.log(fresh ? Level.WARNING : Level.DEBUG, "mirror peer {0}: {1}; retrying", peer, what);
    }

    private void retryLater() {
        if (closed) {
            return;
        }
        long delay;
        synchronized (this) {
            delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(failures, 6));
            failures++;
        }
        try {
            group.next().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the event loop group is shutting down: so are we
        }
    }

    @Override
    public void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }
}
