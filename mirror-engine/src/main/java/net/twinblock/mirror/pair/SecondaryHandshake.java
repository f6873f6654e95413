package net.twinblock.mirror.pair;

import java.lang.System.Logger.Level;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
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
 * primary's proof over our nonce checks out. The HELLO names the volume (LUN) the connection
 * mirrors; a volume this node does not mirror is refused, naming it. Only one authenticated
 * primary per volume at a time: the {@link LinkSide#linkUp} of a second one returns false and it
 * is refused. With its proof the primary may order this volume's data discarded to end a split
 * brain ({@link #obey}).
 */
final class SecondaryHandshake extends Handshake {

    /** Decides whether another primary holds the link already (checked at HELLO and again at the end). */
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
    private Hello hello;
    private byte[] nonce;

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

    @Override
    void failed(ChannelHandlerContext ctx, String reason) {
        volumes.linkFailed(ctx.channel(), reason);
    }

    private void greet(ChannelHandlerContext ctx, Hello h) {
        if (h.version() != VERSION) {
            refuse(ctx, PeerErrorCode.VERSION_MISMATCH, "peer speaks mirror protocol " + h.version()
                    + ", this node " + VERSION);
            return;
        }
        Endpoint end = volumes.find(h.identity().volume());
        if (end == null) {
            // Named before the proof: the LUN number is all it tells, and the administrator needs it.
            refuse(ctx, PeerErrorCode.VOLUME_MISMATCH, "LUN " + h.identity().volume() + " is mirrored by the primary "
                    + h.identity().nodeId() + " but not configured on this node: configure the same LUNs on both");
            return;
        }
        local = end.local();
        side = end.side();
        slot = end.slot();
        String unusable = side.unusable();
        if (unusable != null) {
            // Before HELLO_ACK: the primary sees no link come up, so it redials at its slowest
            // backoff, and hears only that the copy is gone (the details stay in this node's log).
            LOG.log(Level.WARNING, "refusing the mirror link of LUN {0}: {1}", h.identity().volume(), unusable);
            refuse(ctx, PeerErrorCode.DISK_FAILED, "LUN " + h.identity().volume() + ": the secondary's copy is detached"
                    + " after a disk failure; it mirrors nothing until repaired");
            return;
        }
        if (slot.taken()) {
            refuse(ctx, PeerErrorCode.ROLE_CONFLICT, "another primary is connected to this secondary");
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
        notOnPrimary(ctx);
    }

    /** Volumes this node mirrors and the authenticated primary does not: each shows why it has no link. */
    private void notOnPrimary(ChannelHandlerContext ctx) {
        for (int n : volumes.numbers()) {
            if (!hello.identity().volumes().contains(n)) {
                volumes.find(n).side().refused(ctx.channel(), PeerErrorCode.VOLUME_MISMATCH, "LUN " + n
                        + " is configured on this node but not on the primary " + hello.identity().nodeId()
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
