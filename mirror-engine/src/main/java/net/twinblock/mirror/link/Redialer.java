package net.twinblock.mirror.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a client connection dialled: connects, and whenever the attempt fails or the connection
 * closes, dials again after a backoff that doubles from {@code minBackoff} to {@code maxBackoff},
 * so a dead server costs an attempt every few seconds, not a busy loop. The owner calls
 * {@link #connected} once a connection is really usable (authenticated), which resets the backoff.
 * Problems are logged once each while they last, not once per retry: a server down for an hour
 * must not flood the log.
 */
public final class Redialer {

    private static final Logger LOG = System.getLogger(Redialer.class.getName());

    private final String what;
    private final InetSocketAddress to;
    private final Bootstrap bootstrap;
    private final EventLoopGroup group;
    private final long minBackoffNanos;
    private final long maxBackoffNanos;
    private volatile boolean closed;
    private volatile Channel channel;
    private int failures;
    private String problem = "not connected yet";
    private boolean up;

    /** @param what how the log names the other side, e.g. "mirror peer" or "witness" */
    public Redialer(String what, InetSocketAddress to, Bootstrap bootstrap, EventLoopGroup group, Duration minBackoff,
            Duration maxBackoff) {
        this.what = what;
        this.to = to;
        this.bootstrap = bootstrap;
        this.group = group;
        this.minBackoffNanos = minBackoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
    }

    /** Starts dialling; returns at once. */
    public void start() {
        connect();
    }

    /** The connection is usable: the backoff starts over and the problem is gone. */
    public synchronized void connected() {
        failures = 0;
        problem = null;
        up = true;
    }

    /** Says why the connection is not usable (or was lost); logged once per new problem. */
    public void problem(String why) {
        boolean fresh;
        synchronized (this) {
            fresh = !why.equals(problem);
            problem = why;
            up = false;
        }
        LOG.log(fresh ? Level.WARNING : Level.DEBUG, "{0} {1}: {2}; retrying", what, to, why);
    }

    /** The last problem reported, or null while connected. */
    public synchronized String lastProblem() {
        return up ? null : problem;
    }

    private void connect() {
        if (closed) {
            return;
        }
        ChannelFuture f = bootstrap.connect(to);
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                problem("cannot connect: " + done.cause().getMessage());
                retryLater();
            } else if (closed) {
                f.channel().close(); // close() ran while this attempt was connecting
            } else if (f.channel().localAddress() != null && f.channel().localAddress().equals(f.channel().remoteAddress())) {
                // TCP simultaneous open: dialling a free local port from that same port connects the
                // socket to itself, and holds the port the real server needs to bind. Let it go.
                problem("connected to itself (nothing listens there)");
                f.channel().closeFuture().addListener(c -> retryLater());
                f.channel().close();
            } else {
                f.channel().closeFuture().addListener(c -> retryLater());
            }
        });
    }

    private void retryLater() {
        if (closed) {
            return;
        }
        long delay;
        synchronized (this) {
            delay = Math.min(maxBackoffNanos, minBackoffNanos << Math.min(failures, 20));
            failures++;
        }
        try {
            group.next().schedule(this::connect, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the event loop group is shutting down: so are we
        }
    }

    /** Stops dialling and closes the current connection. */
    public void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }
}
