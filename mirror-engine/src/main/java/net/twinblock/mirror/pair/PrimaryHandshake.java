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
 * this channel, so not a single write goes to a peer that has not proven the secret.
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
        Refusal no = Refusal.check(mine, ack.identity(), side.generations(), ack.generations());
        if (no != null) {
            side.refused(ctx.channel(), no.code(), no.reason());
            refuse(ctx, no.code(), no.reason());
            return;
        }
        Channel ch = ctx.channel();
        ctx.writeAndFlush(new HelloProof(auth.proof(PeerAuth.Role.PRIMARY, nonce, ack.nonce())));
        finished(ctx);
        side.linkUp(ch, ack.identity());
    }
}
