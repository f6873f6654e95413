package net.twinblock.mirror.pair;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import net.twinblock.mirror.link.LinkTls;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.link.PeerSilence;
import net.twinblock.mirror.link.Redialer;

/**
 * The primary's end of the mirror link: connects to the secondary (mirror.peer), runs the
 * handshake, and reconnects whenever the link is lost ({@link Redialer}, backing off from 100 ms
 * to 5 s).
 */
public final class PeerClient implements AutoCloseable {

    private static final Logger LOG = System.getLogger(PeerClient.class.getName());
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final InetSocketAddress peer;
    private final Redialer redialer;

    PeerClient(InetSocketAddress peer, EventLoopGroup group, Class<? extends Channel> channelClass, PeerAuth auth,
            LinkTls tls, Duration heartbeat, PeerSilence silence, Supplier<PeerIdentity> local, LinkSide side) {
        this.peer = Objects.requireNonNull(peer, "mirror.peer");
        LinkSide tracking = new ForwardingLinkSide(side) {
            @Override
            public boolean linkUp(Channel ch, PeerIdentity remote) {
                redialer.connected(); // a good link resets the backoff
                LOG.log(Level.INFO, "mirror link to secondary {0} ({1}) is up{2}", peer, remote.nodeId(),
                        LinkTls.describe(ch));
                ch.closeFuture().addListener(f -> side.linkDown(ch));
                return side.linkUp(ch, remote);
            }
        };
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        LinkPipeline.connecting(ch, heartbeat, silence, new PrimaryHandshake(auth, local, tracking));
                        if (tls != null) {
                            tls.dialing(ch, peer);
                        }
                    }
                });
        this.redialer = new Redialer("mirror peer", peer, bootstrap, group, MIN_BACKOFF, MAX_BACKOFF);
    }

    /** Starts connecting; returns at once. */
    void start() {
        redialer.start();
    }

    /** The peer this client connects to. */
    public InetSocketAddress peer() {
        return peer;
    }

    @Override
    public void close() {
        redialer.close();
    }
}
