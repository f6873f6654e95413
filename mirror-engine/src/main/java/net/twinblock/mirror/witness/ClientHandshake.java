package net.twinblock.mirror.witness;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.twinblock.mirror.link.SharedKey;

/**
 * The client's half of the handshake ({@link WitnessAuth}): HELLO, prove the key over the
 * witness's nonce, and accept the witness only if it proves the same key back; then the
 * connection becomes {@code calls}, every frame sealed both ways ({@link FrameSeal}). Every way it fails is reported to {@code problem} in words.
 */
final class ClientHandshake extends ChannelInboundHandlerAdapter {

    /** What the client learns: the connection is up (with its calls stage), or why it is not. */
    interface Outcome {
        void authenticated(PendingCalls calls);

        void problem(String what);
    }

    private final SharedKey key;
    private final long deadlineNanos;
    private final PendingCalls calls;
    private final Outcome outcome;
    private final byte[] clientNonce = SharedKey.newNonce();
    private byte[] witnessNonce;
    private ScheduledFuture<?> deadline;

    ClientHandshake(SharedKey key, long deadlineNanos, PendingCalls calls, Outcome outcome) {
        this.key = key;
        this.deadlineNanos = deadlineNanos;
        this.calls = calls;
        this.outcome = outcome;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> giveUp(ctx, "no handshake within " + deadlineNanos / 1_000_000 + " ms"),
                deadlineNanos, TimeUnit.NANOSECONDS);
        ctx.writeAndFlush(new WitnessHello(WitnessAuth.VERSION, clientNonce));
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WitnessChallenge c && witnessNonce == null) {
            witnessNonce = c.nonce();
            ctx.writeAndFlush(new KeyProof(WitnessAuth.proof(key, WitnessAuth.Prover.CLIENT, clientNonce, witnessNonce)));
        } else if (msg instanceof KeyProof p && witnessNonce != null) {
            if (!WitnessAuth.verify(key, WitnessAuth.Prover.WITNESS, clientNonce, witnessNonce, p.mac())) {
                String why = "the witness did not prove it holds our key: not our witness";
                outcome.problem(why);
                ctx.writeAndFlush(new WitnessError(WitnessErrorCode.AUTH_FAILED, why))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            FrameSeal.install(ctx.channel(), key, WitnessAuth.Prover.CLIENT, clientNonce, witnessNonce);
            ctx.pipeline().replace(this, "calls", calls);
            outcome.authenticated(calls);
        } else if (msg instanceof WitnessError e) {
            giveUp(ctx, "refused by the witness: " + e.code() + ": " + e.message());
        } else {
            giveUp(ctx, "the witness sent " + Hangup.what(msg) + " during the handshake");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        giveUp(ctx, String.valueOf(cause.getMessage()));
    }

    private void giveUp(ChannelHandlerContext ctx, String why) {
        outcome.problem(why);
        ctx.close();
    }
}
