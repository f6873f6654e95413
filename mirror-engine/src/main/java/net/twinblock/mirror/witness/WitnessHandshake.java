package net.twinblock.mirror.witness;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.twinblock.mirror.link.SharedKey;

/**
 * The witness's half of the handshake ({@link WitnessAuth}): answer HELLO with a nonce, find the
 * key the client's proof was made with, prove it back, and hand the connection to a session bound
 * to that key, with every later frame sealed ({@link FrameSeal}). A client that does not finish within {@value #DEADLINE_SECONDS} s is cut off.
 */
final class WitnessHandshake extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = System.getLogger(WitnessHandshake.class.getName());
    static final long DEADLINE_SECONDS = 10;

    private final WitnessKeys keys;
    private final Function<WitnessKeys.Key, ChannelHandler> session;
    private byte[] clientNonce;
    private byte[] witnessNonce;
    private ScheduledFuture<?> deadline;

    WitnessHandshake(WitnessKeys keys, Function<WitnessKeys.Key, ChannelHandler> session) {
        this.keys = keys;
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> Hangup.refuse(ctx, WitnessErrorCode.PROTOCOL_ERROR,
                "handshake not finished within " + DEADLINE_SECONDS + " s"), DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WitnessHello h && clientNonce == null) {
            if (h.version() != WitnessAuth.VERSION) {
                Hangup.refuse(ctx, WitnessErrorCode.VERSION_MISMATCH, "client speaks witness protocol " + h.version()
                        + ", this witness " + WitnessAuth.VERSION);
                return;
            }
            clientNonce = h.nonce();
            witnessNonce = SharedKey.newNonce();
            ctx.writeAndFlush(new WitnessChallenge(witnessNonce));
        } else if (msg instanceof KeyProof p && clientNonce != null) {
            WitnessKeys.Key key = keys.match(clientNonce, witnessNonce, p.mac());
            if (key == null) {
                Hangup.refuse(ctx, WitnessErrorCode.AUTH_FAILED, "authentication failed: no key of this witness"
                        + " made that proof");
                return;
            }
            ctx.writeAndFlush(new KeyProof(WitnessAuth.proof(key.key(), WitnessAuth.Prover.WITNESS, clientNonce,
                    witnessNonce)));
            // Our proof went out bare (encoded on this loop just now); everything after it is sealed.
            FrameSeal.install(ctx.channel(), key.key(), WitnessAuth.Prover.WITNESS, clientNonce, witnessNonce);
            ctx.pipeline().replace(this, "session", session.apply(key));
            LOG.log(Level.DEBUG, "witness client {0} authenticated", ctx.channel().remoteAddress());
        } else if (msg instanceof WitnessError e) {
            LOG.log(Level.WARNING, "witness client {0} gave up: {1}: {2}", ctx.channel().remoteAddress(), e.code(),
                    e.message());
            ctx.close();
        } else {
            Hangup.refuse(ctx, WitnessErrorCode.AUTH_FAILED, "sent " + Hangup.what(msg)
                    + " before completing the authenticated handshake");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Hangup.failed(ctx, cause);
    }
}
