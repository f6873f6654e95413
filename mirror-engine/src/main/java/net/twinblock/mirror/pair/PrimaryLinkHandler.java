package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.FlushAck;
import net.twinblock.mirror.link.ForwardedAck;
import net.twinblock.mirror.link.ForwardedDiscard;
import net.twinblock.mirror.link.ForwardedFlush;
import net.twinblock.mirror.link.ForwardedWrite;
import net.twinblock.mirror.link.Heartbeat;
import net.twinblock.mirror.link.LinkOutbox;
import net.twinblock.mirror.link.PeerError;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerMessage;
import net.twinblock.mirror.link.PointAck;
import net.twinblock.mirror.link.RecordAck;
import net.twinblock.mirror.link.RecordUpdate;
import net.twinblock.mirror.link.StatusQuery;
import net.twinblock.mirror.link.StatusReply;
import net.twinblock.mirror.link.WriteAck;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.mirror.store.Failures;

/**
 * The primary's handler on an authenticated link: matches WRITE_ACK / FLUSH_ACK to pending ops
 * by sequence (in any order), and runs host operations the secondary forwarded through the
 * mirrored volume (which mirrors them back), answering FORWARDED_ACK once they are on both nodes.
 * Runs on the link's event loop; volume work completes elsewhere.
 */
final class PrimaryLinkHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = System.getLogger(PrimaryLinkHandler.class.getName());
    private final Replicator replicator;
    private final MirroredVolume volume;
    private final LongAdder forwarded;
    /** Record replication and the secondary's report and status queries; null for a pair without a record. */
    private final RecordSender records;
    private final CompletableFuture<byte[]> report;
    private final Supplier<ForwardedWriteGate> gate;

    PrimaryLinkHandler(Replicator replicator, MirroredVolume volume, LongAdder forwarded) {
        this(replicator, volume, forwarded, null, new CompletableFuture<>(), () -> ForwardedWriteGate.OPEN);
    }

    PrimaryLinkHandler(Replicator replicator, MirroredVolume volume, LongAdder forwarded, RecordSender records,
            CompletableFuture<byte[]> report, Supplier<ForwardedWriteGate> gate) {
        this.gate = gate;
        this.replicator = replicator;
        this.volume = volume;
        this.forwarded = forwarded;
        this.records = records;
        this.report = report;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WriteAck a) {
            replicator.acked(a.sequence(), a.status());
        } else if (msg instanceof FlushAck a) {
            replicator.acked(a.sequence(), a.status());
        } else if (msg instanceof ForwardedWrite w) {
            forwardedWrite(ctx, w);
        } else if (msg instanceof ForwardedDiscard d) {
            answer(ctx.channel(), d.id(), admitted(() -> volume.discard(d.offset(), d.length()), () -> { }));
        } else if (msg instanceof ForwardedFlush f) {
            answer(ctx.channel(), f.id(), volume.flush());
        } else if (msg instanceof StatusQuery q) {
            statusQuery(ctx.channel(), q);
        } else if (msg instanceof RecordAck a && records != null) {
            records.acked(a.sequence(), a.status());
        } else if (msg instanceof RecordUpdate u && u.report()) {
            report.complete(u.snapshot());
        } else if (msg instanceof PointAck a) {
            replicator.pointAcked(a.point());
            if (a.status() != AckStatus.OK) {
                // The secondary's journal is poisoned by now and fails every later write: nothing to do here.
                LOG.log(Level.WARNING, "the secondary could not apply consistency point {0}: {1}", a.point(),
                        a.status());
            }
        } else if (msg instanceof Heartbeat) {
            return; // liveness only
        } else if (msg instanceof PeerError e) {
            LOG.log(Level.WARNING, "secondary {0} ends the mirror link: {1}: {2}", ctx.channel().remoteAddress(),
                    e.code(), e.message());
            ctx.close();
        } else {
            String what = msg instanceof PeerMessage m ? m.opcode().toString() : msg.getClass().getSimpleName();
            ReferenceCountUtil.release(msg); // refused: goes nowhere
            protocolError(ctx, "unexpected " + what + " from the secondary");
        }
    }

    /** A whole forwarded write: the {@link net.twinblock.mirror.link.WriteAssembler} before us joined its chunks. */
    private void forwardedWrite(ChannelHandlerContext ctx, ForwardedWrite w) {
        if (w.more()) {
            w.release(); // refused: ours
            protocolError(ctx, "forwarded write " + w.id() + " arrived in chunks nobody joined");
            return;
        }
        forwarded.increment();
        // Ownership of the write's data passes to the mirrored volume once admitted; if it never is, ours.
        answer(ctx.channel(), w.id(), admitted(() -> volume.write(w.offset(), w.data(), w.fua()), w::release));
    }

    /** Runs {@code op} once the embedder's gate admits it, and tells the gate when it is done. */
    private CompletableFuture<Void> admitted(Supplier<CompletableFuture<Void>> op, Runnable refused) {
        return gate.get().admit().handle((release, err) -> {
            if (err != null) {
                refused.run();
                return CompletableFuture.<Void>failedFuture(err);
            }
            CompletableFuture<Void> done;
            try {
                done = op.get();
            } catch (RuntimeException e) {
                release.run();
                return CompletableFuture.<Void>failedFuture(e);
            }
            return done.whenComplete((v, e) -> release.run());
        }).thenCompose(f -> f);
    }

    /**
     * A read at the secondary touches a recorded extent: taking and at once dropping the range
     * lock waits for every write to the range that holds or queued for it now, and a write is
     * released from the lock only once both nodes have it, so after this the secondary's copy of
     * the range is at least as new as anything acknowledged before the query.
     */
    private void statusQuery(Channel ch, StatusQuery q) {
        long end = Math.min(volume.size(), q.offset() + q.length());
        if (q.offset() >= end) {
            LinkOutbox.of(ch).write(new StatusReply(q.id()));
            return;
        }
        volume.ranges().acquire(q.offset(), end - q.offset()).whenComplete((lease, err) -> {
            if (lease != null) {
                lease.close();
            }
            LinkOutbox.of(ch).write(new StatusReply(q.id()));
        });
    }

    private static void answer(Channel ch, int id, CompletableFuture<Void> done) {
        LinkOutbox out = LinkOutbox.of(ch);
        done.whenComplete((ok, err) -> out.write(new ForwardedAck(id, status(err))));
    }

    static AckStatus status(Throwable err) {
        if (err == null) {
            return AckStatus.OK;
        }
        VolumeException v = Failures.volumeError(err);
        return v.retryable() ? AckStatus.NOT_READY : AckStatus.IO_ERROR;
    }

    private void protocolError(ChannelHandlerContext ctx, String why) {
        LOG.log(Level.WARNING, "closing the mirror link to {0}: {1}", ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(new PeerError(PeerErrorCode.PROTOCOL_ERROR, why))
                .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.WARNING, "mirror link to {0} failed: {1}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
