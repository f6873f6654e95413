package net.twinblock.mirror.link;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats in both directions: sends a HEARTBEAT once nothing was flushed for one period, and
 * takes the link down when no byte at all arrived for {@link #MISSED} periods. A peer that died
 * without closing its socket (power loss, cable) is noticed in seconds, not at the next write's
 * TCP timeout. Incoming HEARTBEATs pass on and the handler after it drops them.
 *
 * <p>Both deadlines count from the last flush and the last read, not from a periodic check: a
 * check every period that only asked "anything flushed since the last check?" let up to two
 * periods pass between frames, one period short of the peer's limit, and a loaded 2-core machine
 * makes event loops that late (ResyncBench with 200 ms heartbeats: a secondary sent nothing for
 * 462 ms of the 600 ms). Now a sender is silent at most one period plus its own loop's lateness
 * (201 ms in the same run), two periods short of the limit.
 *
 * <p>Sits after the frame decoder, yet counts every read of the socket as life, not only decoded
 * frames: on a slow link one 256 KiB frame (or a queue of them in front of the peer's heartbeat)
 * can take longer than three periods to arrive, and a link busy delivering bytes is not dead.
 */
public final class LinkKeepAlive extends ChannelDuplexHandler {

    private static final Logger LOG = System.getLogger(LinkKeepAlive.class.getName());

    /** Heartbeat periods without a byte from the peer after which it is considered gone. */
    public static final int MISSED = 3;

    private final long period;
    private final PeerSilence silence;
    /** Event loop only, like every field below. */
    private Ticker ticker;
    private long lastFlush;
    private long lastRead;
    private ScheduledFuture<?> timer;
    private boolean started;
    private boolean stopped;
    private int sequence;

    /** A keep-alive whose peer silences nobody reads; for tests and single links. */
    public LinkKeepAlive(Duration period) {
        this(period, new PeerSilence());
    }

    /** @param silence where every link of a node records how long its peer went quiet */
    public LinkKeepAlive(Duration period, PeerSilence silence) {
        this.period = period.toNanos();
        this.silence = silence;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    /**
     * The decoder fires this after every read of the socket, whether or not a whole frame came
     * of it; one clock read per read batch, not per frame.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (started) {
            long now = ticker.nanoTime();
            silence.heard(now - lastRead);
            lastRead = now;
        }
        ctx.fireChannelReadComplete();
    }

    /** One clock read per flush (a batch of frames, see {@link LinkOutbox}), none per frame. */
    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (started) {
            lastFlush = ticker.nanoTime();
        }
        ctx.flush();
    }

    private void start(ChannelHandlerContext ctx) {
        if (started || stopped) {
            return;
        }
        started = true;
        ticker = ctx.executor().ticker();
        lastRead = lastFlush = ticker.nanoTime();
        schedule(ctx, period);
    }

    private void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void schedule(ChannelHandlerContext ctx, long delay) {
        timer = ctx.executor().schedule(() -> check(ctx), delay, TimeUnit.NANOSECONDS);
    }

    /** Runs at the earlier deadline: the peer's silence limit or our own next heartbeat. */
    private void check(ChannelHandlerContext ctx) {
        if (stopped) {
            return;
        }
        long now = ticker.nanoTime();
        long quiet = now - lastRead;
        if (quiet >= MISSED * period) {
            silence.heard(quiet);
            LOG.log(Level.WARNING, "peer {0} sent nothing for {1} heartbeats ({2} ms): taking the mirror link down",
                    ctx.channel().remoteAddress(), MISSED, quiet / 1_000_000);
            stop();
            ctx.close();
            return;
        }
        if (now - lastFlush >= period) {
            // Straight to the encoder and flushed now, not through the outbox's batch.
            ctx.writeAndFlush(new Heartbeat(sequence++, System.nanoTime()));
            lastFlush = now;
        }
        long next = Math.min(lastFlush + period, lastRead + MISSED * period) - now;
        schedule(ctx, Math.max(next, 1));
    }
}
