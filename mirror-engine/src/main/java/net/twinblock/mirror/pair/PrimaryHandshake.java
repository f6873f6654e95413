package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.function.Supplier;
import net.twinblock.mirror.link.Heartbeat;
import net.twinblock.mirror.link.Hello;
import net.twinblock.mirror.link.HelloAck;
import net.twinblock.mirror.link.HelloDone;
import net.twinblock.mirror.link.HelloIdentity;
import net.twinblock.mirror.link.HelloProof;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerError;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;

/**
 * The primary's half of the handshake: HELLO with a fresh nonce; check the secondary's proof,
 * and only then send ours with who we are (HELLO_PROOF); check the secondary's identity and
 * accept it (HELLO_DONE). Only then does {@link LinkSide#linkUp} put the mirror on this channel,
 * so not a single write goes to a peer that has not proven the secret, and nothing about this
 * node goes to one either. A secondary refused for a split brain that an administrator decided
 * against it gets, in HELLO_DONE, the order to discard its data ({@link LinkSide#discardOrder});
 * the link then goes on as to any secondary that needs a full copy (should it not obey, it
 * refuses and closes the link).
 */
final class PrimaryHandshake extends Handshake {

    private final Supplier<PeerIdentity> local;
    private final LinkSide side;
    private byte[] nonce;
    /** The secondary's nonce, once its proof checked out. */
    private byte[] peerNonce;

    PrimaryHandshake(PeerAuth auth, Supplier<PeerIdentity> local, LinkSide side) {
        super(auth);
        this.local = local;
        this.side = side;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        nonce = PeerAuth.newNonce();
        ctx.writeAndFlush(new Hello(VERSION, nonce));
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
        } else if (msg instanceof HelloAck ack && nonce != null && peerNonce == null) {
            prove(ctx, ack);
        } else if (msg instanceof HelloIdentity id && peerNonce != null) {
            accept(ctx, id);
        } else {
            unexpected(ctx, msg);
        }
    }

    @Override
    void failed(ChannelHandlerContext ctx, String reason) {
        side.linkFailed(ctx.channel(), reason);
    }

    /** The secondary proved the key: prove it too, and say who we are. */
    private void prove(ChannelHandlerContext ctx, HelloAck ack) {
        if (!auth.verify(PeerAuth.Role.SECONDARY, nonce, ack.nonce(), ack.proof())) {
            refuse(ctx, PeerErrorCode.AUTH_FAILED, "authentication failed");
            return;
        }
        if (ack.version() != VERSION) {
            refuse(ctx, PeerErrorCode.VERSION_MISMATCH, "peer speaks mirror protocol " + ack.version()
                    + ", this node " + VERSION);
            return;
        }
        peerNonce = ack.nonce();
        ctx.writeAndFlush(new HelloProof(auth.proof(PeerAuth.Role.PRIMARY, nonce, peerNonce), local.get(),
                side.generations()));
    }

    /** The authenticated secondary named itself: link, refuse, or order its data discarded. */
    private void accept(ChannelHandlerContext ctx, HelloIdentity peer) {
        PeerIdentity mine = local.get();
        ctx.channel().attr(LinkSide.PEER_GENERATIONS).set(peer.generations());
        ctx.channel().attr(LinkSide.PEER_NAME).set(peer.identity().nodeId());
        Refusal no = Refusal.check(mine, peer.identity(), side.generations(), peer.generations());
        byte[] discard = null;
        if (no != null && no.code() == PeerErrorCode.GENERATION_CONFLICT) {
            // An administrator chose the secondary's data to lose: order it, rather than refuse.
            byte[] order = side.discardOrder(peer.identity(), peer.generations());
            if (order != null) {
                discard = auth.statementProof(nonce, peerNonce, order);
                no = null;
            }
        }
        String noCurrentCopy = no == null ? side.noCurrentCopy(peer.identity(), peer.generations()) : null;
        if (noCurrentCopy != null) {
            no = new Refusal(PeerErrorCode.DISK_FAILED, "LUN " + mine.volume() + ": " + noCurrentCopy);
        }
        if (no != null) {
            side.refused(ctx.channel(), no.code(), no.reason());
            refuse(ctx, no.code(), no.reason());
            return;
        }
        Channel ch = ctx.channel();
        ctx.writeAndFlush(new HelloDone(discard));
        finished(ctx);
        side.linkUp(ch, peer.identity());
    }
}
