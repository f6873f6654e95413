package net.twinblock.mirror.witness;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.link.PortBinding;

/**
 * The witness: listens for nodes, authenticates each with one of its keys, and answers their
 * pair requests by the {@link Arbiter}'s rules, on one state thread for all pairs (state changes
 * are rare, a lease renewal costs no I/O, and one thread makes every rule one atomic step).
 */
public final class WitnessServer implements AutoCloseable {

    private static final Logger LOG = System.getLogger(WitnessServer.class.getName());
    private static final WitnessFrameEncoder ENCODER = new WitnessFrameEncoder();

    private final StateStore store;
    private final ExecutorService stateThread;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private Channel server;
    private boolean closed;

    private WitnessServer(StateStore store, ExecutorService stateThread) {
        this.store = store;
        this.stateThread = stateThread;
    }

    /**
     * Loads every pair's state, then binds; blocking, call at startup.
     *
     * @throws IOException if the data directory is locked by another witness, a state file is
     *     damaged, or the address cannot be bound (the message says which)
     */
    public static WitnessServer start(WitnessSettings settings, EventLoopGroup group,
            Class<? extends ServerChannel> channelClass) throws IOException {
        WitnessKeys keys = new WitnessKeys(settings.keys());
        StateStore store = StateStore.open(settings.dataDir());
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "witness-state"));
        WitnessServer w = new WitnessServer(store, thread);
        try {
            Arbiter arbiter = new Arbiter(store, store.load(), settings.lease().toNanos(), System::nanoTime);
            w.bind(settings.listen(), group, channelClass, keys, arbiter);
            LOG.log(Level.INFO, "witness for {0} pair(s) listening on {1} with {2} key(s), data in {3}, lease {4} ms"
                    + " (every known pair''s lease counts as held for that long from now)", arbiter.pairs(),
                    w.localAddress(), keys.size(), settings.dataDir(), settings.lease().toMillis());
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    private void bind(InetSocketAddress listen, EventLoopGroup group, Class<? extends ServerChannel> channelClass,
            WitnessKeys keys, Arbiter arbiter) throws IOException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true) // a restarted witness gets its port back at once
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true) // a vanished client's connection does not stay forever
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> connections.remove(ch));
                        ch.pipeline().addLast("encoder", ENCODER)
                                .addLast("decoder", new WitnessFrameDecoder())
                                .addLast("handshake", new WitnessHandshake(keys,
                                        key -> new WitnessSession(key.id(), arbiter, stateThread)));
                    }
                });
        ChannelFuture f = PortBinding.bind(b, listen);
        if (!f.isSuccess()) {
            throw new IOException("cannot listen on " + listen + ": " + f.cause().getMessage(), f.cause());
        }
        server = f.channel();
    }

    /** The bound address (port 0 resolved). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops listening, closes every connection, lets the state thread finish what it took, unlocks the data directory. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        for (Channel c : connections) {
            c.close().syncUninterruptibly();
        }
        stateThread.shutdown();
        try {
            if (!stateThread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "witness state thread still busy after 10 s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
