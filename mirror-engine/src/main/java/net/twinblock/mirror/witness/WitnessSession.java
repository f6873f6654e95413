package net.twinblock.mirror.witness;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An authenticated client's connection: each request goes to the witness's one state thread
 * (the rules may write a file, which must never block this event loop), whose reply goes back on
 * this connection. The state thread takes requests in arrival order, so replies to one client
 * leave in the order it asked.
 */
final class WitnessSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = System.getLogger(WitnessSession.class.getName());

    private final String keyId;
    private final Arbiter arbiter;
    private final Executor stateThread;

    WitnessSession(String keyId, Arbiter arbiter, Executor stateThread) {
        this.keyId = keyId;
        this.arbiter = arbiter;
        this.stateThread = stateThread;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PairRequest r) {
            Channel ch = ctx.channel();
            try {
                stateThread.execute(() -> answer(ch, r));
            } catch (RejectedExecutionException e) {
                ctx.close(); // the witness is stopping
            }
        } else if (msg instanceof WitnessError e) {
            LOG.log(Level.WARNING, "witness client {0} closes: {1}: {2}", ctx.channel().remoteAddress(), e.code(),
                    e.message());
            ctx.close();
        } else {
            Hangup.refuse(ctx, WitnessErrorCode.PROTOCOL_ERROR, "sent " + Hangup.what(msg) + " after the handshake");
        }
    }

    private void answer(Channel ch, PairRequest r) {
        PairReply reply;
        try {
            reply = arbiter.decide(r, keyId);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "witness: cannot decide " + r.op() + " for pair " + r.pairId() + "; closing "
                    + ch.remoteAddress(), e);
            ch.close();
            return;
        }
        ch.writeAndFlush(reply);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Hangup.failed(ctx, cause);
    }
}
