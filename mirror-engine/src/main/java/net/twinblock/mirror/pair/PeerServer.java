package net.twinblock.mirror.pair;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import net.twinblock.mirror.link.PeerAuth;


import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.link.PeerSilence;

/**
 * The secondary's end of the mirror link: listens on mirror.listen and admits exactly one
 * authenticated primary at a time. Every connection starts in the handshake; until it has
 * proven the secret, any mirror frame closes it.
 */
public final class PeerServer implements AutoCloseable {

    private static final Logger LOG = System.getLogger(PeerServer.class.getName());

    private final ServerBootstrap bootstrap;
    private final InetSocketAddress listen;
    private final AtomicReference<Channel> primary = new AtomicReference<>();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private volatile Channel server;

    PeerServer(InetSocketAddress listen, EventLoopGroup group, Class<? extends ServerChannel> channelClass,
            PeerAuth auth, Duration heartbeat, PeerSilence silence, Supplier<PeerIdentity> local, LinkSide side) {
        this.listen = listen;
        LinkSide single = new ForwardingLinkSide(side) {
            @Override
            public boolean linkUp(Channel ch, PeerIdentity remote) {
                if (!primary.compareAndSet(null, ch)) {
                    return false;
                }
                LOG.log(Level.INFO, "mirror link from primary {0} ({1}) is up", ch.remoteAddress(), remote.nodeId());
                ch.closeFuture().addListener(f -> linkDown(ch));
                return side.linkUp(ch, remote);
            }

            @Override
            public void linkDown(Channel ch) {
                if (primary.compareAndSet(ch, null)) {
                    LOG.log(Level.WARNING, "mirror link from primary {0} is down", ch.remoteAddress());
                    side.linkDown(ch);
                }
            }
        };
        SecondaryHandshake.Slot slot = () -> primary.get() != null;
        this.bootstrap = new ServerBootstrap().group(group).channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true) // a restarted secondary gets its port back at once
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Mirrored writes arrive up to 256 KiB a frame: reads of up to 1 MiB (not Netty's 64 KiB)
                // take several at once, so fewer payloads straddle two reads (two volume writes).
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 64 * 1024, 1 << 20))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> connections.remove(ch));
                        LinkPipeline.connecting(ch, heartbeat, silence, new SecondaryHandshake(auth, local, single, slot));
                    }
                });
    }

    /** Binds mirror.listen; blocking, call at startup. Throws if the address cannot be bound. */
    InetSocketAddress bind() {
        try {
            server = bootstrap.bind(listen).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen for the mirror link on mirror.listen " + listen
                    + ": " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        LOG.log(Level.INFO, "secondary waiting for its primary on {0}", bound);
        return bound;
    }

    /** The authenticated primary's channel, or null. */
    public Channel primary() {
        return primary.get();
    }

    /** The bound address (port 0 resolved), or null before bind. */
    public InetSocketAddress localAddress() {
        Channel s = server;
        return s == null ? null : (InetSocketAddress) s.localAddress();
    }

    /** Stops listening and closes every connection, the primary's included. */
    @Override
    public void close() {
        Channel s = server;
        if (s != null) {
            s.close().syncUninterruptibly();
        }
        for (Channel c : connections) {
            c.close().syncUninterruptibly();
        }
    }
}
