package net.twinblock.mirror.pair;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.link.Hello;
import net.twinblock.mirror.link.LinkTls;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerError;
import net.twinblock.mirror.link.PeerErrorCode;

/**
 * What both sides of the HELLO exchange share: a deadline (a peer that never finishes the
 * handshake is cut off even if it sends heartbeats), refusing with an ERROR frame and one log
 * line, and logging the other side's refusal. With TLS (mirror.tls) the TLS handshake runs in
 * front of this one; a TLS or key failure is reported to the node ({@link #failed}) for status.
 */
abstract class Handshake extends ChannelInboundHandlerAdapter {

    static final Logger LOG = System.getLogger(Handshake.class.getName());
    /** The mirror protocol this node speaks (see {@link Hello#VERSION}). */
    static final int VERSION = Hello.VERSION;
    static final long DEADLINE_SECONDS = 10;

    final PeerAuth auth;
    private ScheduledFuture<?> deadline;
    private boolean done;

    Handshake(PeerAuth auth) {
        this.auth = auth;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            if (!done) {
                refuse(ctx, PeerErrorCode.PROTOCOL_ERROR, "handshake not finished within " + DEADLINE_SECONDS + " s");
            }
        }, DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** Handshake over: this handler leaves the pipeline. */
    final void finished(ChannelHandlerContext ctx) {
        done = true;
        ctx.pipeline().remove(this);
    }

    /** Ends the attempt: "peer <addr> refused: <why>" in our log, an ERROR frame for theirs, then close. */
    final void refuse(ChannelHandlerContext ctx, PeerErrorCode code, String why) {
        done = true;
        if (code == PeerErrorCode.AUTH_FAILED) {
            failed(ctx, "the peer " + ctx.channel().remoteAddress() + " " + why);
        }
        LOG.log(Level.WARNING, "peer {0} refused: {1}", ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(new PeerError(code, why)).addListener(ChannelFutureListener.CLOSE);
    }

    /** The peer refused us: log its reason (the other log has the details too) and close. */
    final void refusedByPeer(ChannelHandlerContext ctx, PeerError e) {
        done = true;
        LOG.log(Level.WARNING, "peer {0} refused the mirror link: {1}: {2}", ctx.channel().remoteAddress(),
                e.code(), e.message());
        if (e.code() == PeerErrorCode.AUTH_FAILED) {
            failed(ctx, "the peer " + ctx.channel().remoteAddress() + " refused this node: " + e.message());
        }
        ctx.close();
    }

    /** Anything but the handshake message we wait for: released, refused. */
    final void unexpected(ChannelHandlerContext ctx, Object msg) {
        String what = msg instanceof net.twinblock.mirror.link.PeerMessage m ? m.opcode().toString()
                : msg.getClass().getSimpleName();
        ReferenceCountUtil.release(msg); // refused: ours to release, it goes nowhere
        refuse(ctx, PeerErrorCode.AUTH_FAILED, "sent " + what + " before completing the authenticated handshake");
    }

    /** A link attempt failed before the peer was authenticated; for status (the log has it already). */
    abstract void failed(ChannelHandlerContext ctx, String reason);

    /** A failed TLS handshake: the peer's certificate, or ours, is not trusted, or it speaks no TLS. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
            tlsFailed(ctx, e.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        done = true;
        LOG.log(Level.WARNING, "peer {0}: mirror handshake failed: {1}", ctx.channel().remoteAddress(),
                cause.toString());
        tlsFailed(ctx, cause); // TLS 1.3: a client hears only now that its certificate was refused
        ctx.close();
    }

    private void tlsFailed(ChannelHandlerContext ctx, Throwable cause) {
        String why = LinkTls.failure(cause);
        if (why != null) {
            failed(ctx, "TLS with " + ctx.channel().remoteAddress() + " failed: " + why.substring("TLS: ".length()));
        }
    }
}
