package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.function.Supplier;
import net.twinblock.mirror.link.Heartbeat;
import net.twinblock.mirror.link.Hello;
import net.twinblock.mirror.link.HelloAck;
import net.twinblock.mirror.link.HelloProof;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerError;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;

/**
 * The primary's half of the handshake: HELLO with a fresh nonce, check the secondary's proof
 * and identity, answer with our proof. Only then does {@link LinkSide#linkUp} put the mirror on
 * this channel, so not a single write goes to a peer that has not proven the secret. A secondary
 * refused for a split brain that an administrator decided against it gets, with our proof, the
 * order to discard its data ({@link LinkSide#discardOrder}); the link then goes on as to any
 * secondary that needs a full copy (should it not obey, it refuses and closes the link).
 */
final class PrimaryHandshake extends Handshake {

    private final Supplier<PeerIdentity> local;
    private final LinkSide side;
    private byte[] nonce;

    PrimaryHandshake(PeerAuth auth, Supplier<PeerIdentity> local, LinkSide side) {
        super(auth);
        this.local = local;
        this.side = side;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        nonce = PeerAuth.newNonce();
        ctx.writeAndFlush(new Hello(VERSION, local.get(), nonce, side.generations()));
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Heartbeat) {
            return; // liveness only, nothing to release
        }
        if (msg instanceof PeerError e) {
            side.refused(ctx.channel(), e.code(), e.message());
            refusedByPeer(ctx, e);
        } else if (msg instanceof HelloAck ack && nonce != null) {
            answer(ctx, ack);
        } else {
            unexpected(ctx, msg);
        }
    }

    @Override
    void failed(ChannelHandlerContext ctx, String reason) {
        side.linkFailed(ctx.channel(), reason);
    }

    private void answer(ChannelHandlerContext ctx, HelloAck ack) {
        if (!auth.verify(PeerAuth.Role.SECONDARY, nonce, ack.nonce(), ack.proof())) {
            refuse(ctx, PeerErrorCode.AUTH_FAILED, "authentication failed");
            return;
        }
        if (ack.version() != VERSION) {
            refuse(ctx, PeerErrorCode.VERSION_MISMATCH, "peer speaks mirror protocol " + ack.version()
                    + ", this node " + VERSION);
            return;
        }
        PeerIdentity mine = local.get();
        ctx.channel().attr(LinkSide.PEER_GENERATIONS).set(ack.generations());
        ctx.channel().attr(LinkSide.PEER_NAME).set(ack.identity().nodeId());
        Refusal no = Refusal.check(mine, ack.identity(), side.generations(), ack.generations());
        byte[] discard = null;
        if (no != null && no.code() == PeerErrorCode.GENERATION_CONFLICT) {
            // An administrator chose the secondary's data to lose: order it, rather than refuse.
            byte[] order = side.discardOrder(ack.identity(), ack.generations());
            if (order != null) {
                discard = auth.statementProof(nonce, ack.nonce(), order);
                no = null;
            }
        }
        if (no != null) {
            side.refused(ctx.channel(), no.code(), no.reason());
            refuse(ctx, no.code(), no.reason());
            return;
        }
        Channel ch = ctx.channel();
        ctx.writeAndFlush(new HelloProof(auth.proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce()), discard));
        finished(ctx);
        side.linkUp(ch, ack.identity());
    }
}
