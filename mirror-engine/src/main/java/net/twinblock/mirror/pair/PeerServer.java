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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import net.twinblock.mirror.link.LinkTls;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PortBinding;


import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.link.PeerSilence;

/**
 * The secondary's end of the mirror link: listens on mirror.listen for every volume this node
 * mirrors. Each connection's HELLO names its volume (the LUN), and the connection is handed to
 * that volume's end ({@link #register}), which admits exactly one authenticated primary at a
 * time. Every connection starts in the handshake; until it has proven the secret, any mirror
 * frame closes it.
 */
public final class PeerServer implements AutoCloseable, SecondaryHandshake.Volumes {

    private static final Logger LOG = System.getLogger(PeerServer.class.getName());

    private final ServerBootstrap bootstrap;
    private final InetSocketAddress listen;
    private final Map<Integer, Volume> volumes = new ConcurrentHashMap<>();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private volatile Channel server;

    /** One volume's end: its identity, what it does with a link, and its primary's channel. */
    private static final class Volume {
        final AtomicReference<Channel> primary = new AtomicReference<>();
        final SecondaryHandshake.Endpoint endpoint;

        Volume(int number, Supplier<PeerIdentity> local, LinkSide side) {
            LinkSide single = new ForwardingLinkSide(side) {
                @Override
                public boolean linkUp(Channel ch, PeerIdentity remote) {
                    if (!primary.compareAndSet(null, ch)) {
                        return false;
                    }
                    LOG.log(Level.INFO, "mirror link of LUN {0} from primary {1} ({2}) is up{3}", number,
                            ch.remoteAddress(), remote.nodeId(), LinkTls.describe(ch));
                    ch.closeFuture().addListener(f -> linkDown(ch));
                    return side.linkUp(ch, remote);
                }

                @Override
                public void linkDown(Channel ch) {
                    if (primary.compareAndSet(ch, null)) {
                        LOG.log(Level.WARNING, "mirror link of LUN {0} from primary {1} is down", number,
                                ch.remoteAddress());
                        side.linkDown(ch);
                    }
                }
            };
            this.endpoint = new SecondaryHandshake.Endpoint(local, single, () -> primary.get() != null);
        }
    }

    PeerServer(InetSocketAddress listen, EventLoopGroup group, Class<? extends ServerChannel> channelClass,
            PeerAuth auth, LinkTls tls, Duration heartbeat, PeerSilence silence) {
        this.listen = listen;
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
                        LinkPipeline.connecting(ch, heartbeat, silence, new SecondaryHandshake(auth, PeerServer.this));
                        if (tls != null) {
                            tls.accepted(ch);
                        }
                    }
                });
    }

    /** Volume {@code number}'s end: links naming it in their HELLO go to {@code side}. Before {@link #bind}. */
    void register(int number, Supplier<PeerIdentity> local, LinkSide side) {
        if (volumes.putIfAbsent(number, new Volume(number, local, side)) != null) {
            throw new IllegalArgumentException("volume " + number + " registered twice");
        }
    }

    @Override
    public SecondaryHandshake.Endpoint find(int number) {
        Volume v = volumes.get(number);
        return v == null ? null : v.endpoint;
    }

    @Override
    public List<Integer> numbers() {
        return volumes.keySet().stream().sorted().toList();
    }

    /** Binds mirror.listen; blocking, call at startup. Throws if the address cannot be bound. */
    InetSocketAddress bind() {
        io.netty.channel.ChannelFuture f = PortBinding.bind(bootstrap, listen);
        if (!f.isSuccess()) {
            throw new IllegalStateException("cannot listen for the mirror link on mirror.listen " + listen
                    + ": " + f.cause().getMessage(), f.cause());
        }
        server = f.channel();
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        LOG.log(Level.INFO, "secondary waiting for its primary on {0} (LUNs {1})", bound, numbers());
        return bound;
    }

    /** Volume {@code number}'s authenticated primary channel, or null. */
    public Channel primary(int number) {
        Volume v = volumes.get(number);
        return v == null ? null : v.primary.get();
    }

    /** The bound address (port 0 resolved), or null before bind. */
    public InetSocketAddress localAddress() {
        Channel s = server;
        return s == null ? null : (InetSocketAddress) s.localAddress();
    }

    /** Stops listening and closes every connection, the primaries' included. */
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
