package net.twinblock.mirror.witness;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Ending a witness connection in words: one log line here, an ERROR frame for the other side's log, then close. */
final class Hangup {

    private static final Logger LOG = System.getLogger(Hangup.class.getName());

    private Hangup() {
    }

    static void refuse(ChannelHandlerContext ctx, WitnessErrorCode code, String why) {
        LOG.log(Level.WARNING, "witness connection {0} refused: {1}", ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(new WitnessError(code, why)).addListener(ChannelFutureListener.CLOSE);
    }

    /** A frame the decoder refused, or an I/O error: the connection cannot go on. */
    static void failed(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.WARNING, "witness connection {0} closed: {1}", ctx.channel().remoteAddress(), cause.getMessage());
        ctx.close();
    }

    /** What a message is, for a log line, without its content (a proof or nonce is nobody's business). */
    static String what(Object msg) {
        return msg instanceof WitnessMessage m ? m.type().toString() : msg.getClass().getSimpleName();
    }
}
