package net.twinblock.mirror.link;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import java.net.BindException;
import java.net.SocketAddress;

/**
 * Binds a listening port, riding out one race: a client that redials a free local port (in the
 * ephemeral range, as tests use) can get a socket connected to itself, which holds the port for
 * the instant until its {@link Redialer} drops it. A restarted server then finds its port "in
 * use" although nothing listens there; it tries again for up to a second.
 */
public final class PortBinding {

    private static final int ATTEMPTS = 20;
    private static final long PAUSE_MILLIS = 50;

    private PortBinding() {
    }

    /** The bound server channel's future, failed if the port stayed in use (or another error). Blocking. */
    public static ChannelFuture bind(ServerBootstrap bootstrap, SocketAddress address) {
        for (int attempt = 1; ; attempt++) {
            ChannelFuture f = bootstrap.bind(address).awaitUninterruptibly();
            if (f.isSuccess() || !(f.cause() instanceof BindException) || attempt >= ATTEMPTS) {
                return f;
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return f;
            }
        }
    }
}
