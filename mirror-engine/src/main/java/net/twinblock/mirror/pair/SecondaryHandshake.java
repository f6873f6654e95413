package net.twinblock.mirror.pair;

import java.lang.System.Logger.Level;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
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
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * The secondary's half: answer HELLO with our proof and nonce, and nothing else; accept the
 * primary's identity only with its proof over our nonce (HELLO_PROOF), and only then name
 * ourselves (HELLO_IDENTITY); link at the primary's HELLO_DONE. Whoever connects without the key
 * learns a nonce and a proof, nothing about this node. HELLO_PROOF names the volume (LUN) the
 * connection mirrors; a volume this node does not mirror is refused, naming it. Only one
 * authenticated primary per volume at a time: the {@link LinkSide#linkUp} of a second one returns
 * false and it is refused. With HELLO_DONE the primary may order this volume's data discarded to
 * end a split brain ({@link #obey}).
 */
final class SecondaryHandshake extends Handshake {

    /** Decides whether another primary holds the link already (checked at HELLO_PROOF and again at the end). */
    interface Slot {
        boolean taken();
    }

    /** One mirrored volume's end on this node. */
    record Endpoint(Supplier<PeerIdentity> local, LinkSide side, Slot slot) {
    }

    /** The volumes this node mirrors, by number. */
    interface Volumes {
        /** Volume {@code number}'s end, or null if this node does not mirror it. */
        Endpoint find(int number);

        /** Every volume number this node mirrors, ascending. */
        List<Integer> numbers();

        /** A connection failed before it named a volume: each volume without a primary shows why. */
        default void linkFailed(io.netty.channel.Channel ch, String reason) {
            for (int n : numbers()) {
                Endpoint e = find(n);
                if (!e.slot().taken()) {
                    e.side().linkFailed(ch, reason);
                }
            }
        }
    }

    private final Volumes volumes;
    private Supplier<PeerIdentity> local;
    private LinkSide side;
    private Slot slot;
    /** The primary's nonce, from its HELLO. */
    private byte[] peerNonce;
    private byte[] nonce;
    /** The primary's proof and identity, once they checked out. */
    private HelloProof primary;

    SecondaryHandshake(PeerAuth auth, Volumes volumes) {
        super(auth);
        this.volumes = volumes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Heartbeat) {
            return; // liveness only, nothing to release
        }
        if (msg instanceof PeerError e) {
            if (side != null) {
                side.refused(ctx.channel(), e.code(), e.message());
            }
            refusedByPeer(ctx, e);
        } else if (msg instanceof Hello h && nonce == null) {
            answer(ctx, h);
        } else if (msg instanceof HelloProof p && nonce != null && primary == null) {
            introduce(ctx, p);
        } else if (msg instanceof HelloDone d && primary != null) {
            link(ctx, d);
        } else {
            unexpected(ctx, msg);
        }
    }

    @Override
    void failed(ChannelHandlerContext ctx, String reason) {
        volumes.linkFailed(ctx.channel(), reason);
    }

    /** The challenge: prove the key over it, and challenge back. Nothing about this node yet. */
    private void answer(ChannelHandlerContext ctx, Hello h) {
        if (h.version() != VERSION) {
            refuse(ctx, PeerErrorCode.VERSION_MISMATCH, "peer speaks mirror protocol " + h.version()
                    + ", this node " + VERSION);
            return;
        }
        peerNonce = h.nonce();
        nonce = PeerAuth.newNonce();
        ctx.writeAndFlush(new HelloAck(VERSION, nonce, auth.proof(PeerAuth.Role.SECONDARY, peerNonce, nonce)));
    }

    /** The primary proved the key and named itself and its volume: name ourselves for that volume. */
    private void introduce(ChannelHandlerContext ctx, HelloProof p) {
        if (!auth.verify(PeerAuth.Role.PRIMARY, peerNonce, nonce, p.proof())) {
            refuse(ctx, PeerErrorCode.AUTH_FAILED, "authentication failed");
            return;
        }
        Endpoint end = volumes.find(p.identity().volume());
        if (end == null) {
            refuse(ctx, PeerErrorCode.VOLUME_MISMATCH, "LUN " + p.identity().volume() + " is mirrored by the primary "
                    + p.identity().nodeId() + " but not configured on this node: configure the same LUNs on both");
            return;
        }
        local = end.local();
        side = end.side();
        slot = end.slot();
        String unusable = side.unusable();
        if (unusable != null) {
            // Before HELLO_IDENTITY: the primary sees no link come up, so it redials at its slowest
            // backoff, and hears only that the copy is gone (the details stay in this node's log).
            LOG.log(Level.WARNING, "refusing the mirror link of LUN {0}: {1}", p.identity().volume(), unusable);
            refuse(ctx, PeerErrorCode.DISK_FAILED, "LUN " + p.identity().volume() + ": the secondary's copy is detached"
                    + " after a disk failure; it mirrors nothing until repaired");
            return;
        }
        if (slot.taken()) {
            refuse(ctx, PeerErrorCode.ROLE_CONFLICT, "another primary is connected to this secondary");
            return;
        }
        primary = p;
        ctx.channel().attr(LinkSide.PEER_GENERATIONS).set(p.generations());
        ctx.channel().attr(LinkSide.PEER_NAME).set(p.identity().nodeId());
        ctx.writeAndFlush(new HelloIdentity(local.get(), side.generations()));
    }

    /** The primary accepted us (maybe ordering our data discarded): check the pair ourselves, and link. */
    private void link(ChannelHandlerContext ctx, HelloDone d) {
        Refusal no = Refusal.check(primary.identity(), local.get(), primary.generations(), side.generations());
        if (d.discard() != null && (no == null || no.code() == PeerErrorCode.GENERATION_CONFLICT)) {
            // Another pair's volume is refused before any order of its primary is looked at.
            no = obey(d.discard());
            if (no == null) {
                no = Refusal.check(primary.identity(), local.get(), primary.generations(), side.generations());
            }
        }
        if (no != null) {
            side.refused(ctx.channel(), no.code(), no.reason());
            refuse(ctx, no.code(), no.reason());
            return;
        }
        if (!side.linkUp(ctx.channel(), primary.identity())) {
            refuse(ctx, PeerErrorCode.ROLE_CONFLICT, "another primary is connected to this secondary");
            return;
        }
        finished(ctx);
        notOnPrimary(ctx);
    }

    /** Volumes this node mirrors and the authenticated primary does not: each shows why it has no link. */
    private void notOnPrimary(ChannelHandlerContext ctx) {
        for (int n : volumes.numbers()) {
            if (!primary.identity().volumes().contains(n)) {
                volumes.find(n).side().refused(ctx.channel(), PeerErrorCode.VOLUME_MISMATCH, "LUN " + n
                        + " is configured on this node but not on the primary " + primary.identity().nodeId()
                        + ": configure the same LUNs on both");
            }
        }
    }

    /**
     * The primary orders this node's data discarded (an administrator's decision there). Obeyed
     * only if it proves the order for exactly this node's name and generations in this
     * handshake, the two nodes are in split brain (or hold unrelated data), and no other primary
     * holds the link; null once the data is dropped, else why not.
     */
    private Refusal obey(byte[] proof) {
        String who = primary.identity().nodeId();
        byte[] mine = side.generations();
        if (mine == null || primary.generations() == null) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the primary " + who + " orders this node's data"
                    + " discarded, but without both nodes' data generations; nothing discarded");
        }
        GenerationHistory ours = GenerationHistory.decode(mine);
        GenerationHistory theirs = GenerationHistory.decode(primary.generations());
        String name = local.get().nodeId();
        if (!auth.verifyStatement(peerNonce, nonce, DiscardOrder.statement(name, ours, theirs), proof)) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the primary " + who + " orders this node's data"
                    + " discarded, but the order was given for another node or another state of it (this node: "
                    + name + ", " + ours.describe() + "); nothing discarded: check the names and resolve again");
        }
        if (!GenerationHistory.compare(ours, theirs).refusesConnection()) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the primary " + who + " orders this node's data"
                    + " discarded, but the two are not in split brain (this node " + ours.describe() + "; primary "
                    + theirs.describe() + "); nothing discarded");
        }
        if (slot.taken()) {
            return new Refusal(PeerErrorCode.ROLE_CONFLICT, "another primary is connected to this secondary");
        }
        if (!side.discardOrdered(primary.identity(), theirs)) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the primary " + who + " orders this node's data"
                    + " discarded, but this node takes no such order; nothing discarded");
        }
        return null;
    }
}
