package net.twinblock.mirror.pair;

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
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * The secondary's half: answer HELLO with our proof and nonce, then accept nothing until the
 * primary's proof over our nonce checks out. Only one authenticated primary at a time: the
 * {@link LinkSide#linkUp} of a second one returns false and it is refused. With its proof the
 * primary may order this node's data discarded to end a split brain ({@link #obey}).
 */
final class SecondaryHandshake extends Handshake {

    /** Decides whether another primary holds the link already (checked at HELLO and again at the end). */
    interface Slot {
        boolean taken();
    }

    private final Supplier<PeerIdentity> local;
    private final LinkSide side;
    private final Slot slot;
    private Hello hello;
    private byte[] nonce;

    SecondaryHandshake(PeerAuth auth, Supplier<PeerIdentity> local, LinkSide side, Slot slot) {
        super(auth);
        this.local = local;
        this.side = side;
        this.slot = slot;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Heartbeat) {
            return; // liveness only, nothing to release
        }
        if (msg instanceof PeerError e) {
            side.refused(ctx.channel(), e.code(), e.message());
            refusedByPeer(ctx, e);
        } else if (msg instanceof Hello h && hello == null) {
            greet(ctx, h);
        } else if (msg instanceof HelloProof p && hello != null) {
            verify(ctx, p);
        } else {
            unexpected(ctx, msg);
        }
    }

    private void greet(ChannelHandlerContext ctx, Hello h) {
        if (slot.taken()) {
            refuse(ctx, PeerErrorCode.ROLE_CONFLICT, "another primary is connected to this secondary");
            return;
        }
        if (h.version() != VERSION) {
            refuse(ctx, PeerErrorCode.VERSION_MISMATCH, "peer speaks mirror protocol " + h.version()
                    + ", this node " + VERSION);
            return;
        }
        hello = h;
        ctx.channel().attr(LinkSide.PEER_GENERATIONS).set(h.generations());
        ctx.channel().attr(LinkSide.PEER_NAME).set(h.identity().nodeId());
        nonce = PeerAuth.newNonce();
        ctx.writeAndFlush(new HelloAck(VERSION, local.get(), nonce,
                auth.proof(PeerAuth.Role.SECONDARY, h.nonce(), nonce), side.generations()));
    }

    private void verify(ChannelHandlerContext ctx, HelloProof p) {
        if (!auth.verify(PeerAuth.Role.PRIMARY, hello.nonce(), nonce, p.proof())) {
            refuse(ctx, PeerErrorCode.AUTH_FAILED, "authentication failed");
            return;
        }
        Refusal no = Refusal.check(hello.identity(), local.get(), hello.generations(), side.generations());
        if (p.discard() != null && (no == null || no.code() == PeerErrorCode.GENERATION_CONFLICT)) {
            // Another pair's volume is refused before any order of its primary is looked at.
            no = obey(p.discard());
            if (no == null) {
                no = Refusal.check(hello.identity(), local.get(), hello.generations(), side.generations());
            }
        }
        if (no != null) {
            side.refused(ctx.channel(), no.code(), no.reason());
            refuse(ctx, no.code(), no.reason());
            return;
        }
        if (!side.linkUp(ctx.channel(), hello.identity())) {
            refuse(ctx, PeerErrorCode.ROLE_CONFLICT, "another primary is connected to this secondary");
            return;
        }
        finished(ctx);
    }

    /**
     * The primary orders this node's data discarded (an administrator's decision there). Obeyed
     * only if it proves the order for exactly this node's name and generations in this
     * handshake, the two nodes are in split brain (or hold unrelated data), and no other primary
     * holds the link; null once the data is dropped, else why not.
     */
    private Refusal obey(byte[] proof) {
        String primary = hello.identity().nodeId();
        byte[] mine = side.generations();
        if (mine == null || hello.generations() == null) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the primary " + primary + " orders this node's data"
                    + " discarded, but without both nodes' data generations; nothing discarded");
        }
        GenerationHistory ours = GenerationHistory.decode(mine);
        GenerationHistory theirs = GenerationHistory.decode(hello.generations());
        String name = local.get().nodeId();
        if (!auth.verifyStatement(hello.nonce(), nonce, DiscardOrder.statement(name, ours, theirs), proof)) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the primary " + primary + " orders this node's data"
                    + " discarded, but the order was given for another node or another state of it (this node: "
                    + name + ", " + ours.describe() + "); nothing discarded: check the names and resolve again");
        }
        if (!GenerationHistory.compare(ours, theirs).refusesConnection()) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the primary " + primary + " orders this node's data"
                    + " discarded, but the two are not in split brain (this node " + ours.describe() + "; primary "
                    + theirs.describe() + "); nothing discarded");
        }
        if (slot.taken()) {
            return new Refusal(PeerErrorCode.ROLE_CONFLICT, "another primary is connected to this secondary");
        }
        if (!side.discardOrdered(hello.identity(), theirs)) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the primary " + primary + " orders this node's data"
                    + " discarded, but this node takes no such order; nothing discarded");
        }
        return null;
    }
}
