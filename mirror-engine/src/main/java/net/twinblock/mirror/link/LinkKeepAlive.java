package net.twinblock.mirror.link;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats in both directions: sends a HEARTBEAT whenever nothing was written for one period,
 * and takes the link down when nothing at all arrived for {@link #MISSED} periods. A peer
 * that died without closing its socket (power loss, cable) is noticed in seconds, not at the
 * next write's TCP timeout. Incoming HEARTBEATs pass on and the handler after it drops them.
 */
public final class LinkKeepAlive extends IdleStateHandler {

    private static final Logger LOG = System.getLogger(LinkKeepAlive.class.getName());

    /** Heartbeat periods without a frame after which the peer is considered gone. */
    public static final int MISSED = 3;

    private final Duration period;
    private int sequence;
    /** Flushes so far, and as of the last writer-idle check. Event loop only. */
    private long flushes;
    private long flushesSeen;

    public LinkKeepAlive(Duration period) {
        super(period.toNanos() * MISSED, period.toNanos(), 0, TimeUnit.NANOSECONDS);
        this.period = period;
    }

    /**
     * Passes frames straight on. IdleStateHandler would put a listener on every frame's promise to
     * time the last write; a busy link writes tens of thousands of frames a second, so counting
     * flushes (one per batch) stands in for it, checked in {@link #channelIdle}.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        flushes++;
        ctx.flush();
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (evt.state() == IdleState.WRITER_IDLE) {
            // Without per-write timing this fires every period; a flush since the last check means
            // the peer heard from us lately. At most two periods pass between frames, within the
            // peer's MISSED (3).
            boolean quiet = flushes == flushesSeen;
            if (quiet) {
                ctx.writeAndFlush(new Heartbeat(sequence++, System.nanoTime()));
            }
            flushesSeen = flushes;
        } else if (evt.state() == IdleState.READER_IDLE) {
            LOG.log(Level.WARNING, "peer {0} sent nothing for {1} heartbeats ({2} ms): taking the mirror link down",
                    ctx.channel().remoteAddress(), MISSED, period.toMillis() * MISSED);
            ctx.close();
        }
    }
}
