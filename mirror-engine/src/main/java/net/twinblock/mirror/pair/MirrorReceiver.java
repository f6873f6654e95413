package net.twinblock.mirror.pair;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.Discard;
import net.twinblock.mirror.link.Flush;
import net.twinblock.mirror.link.FlushAck;
import net.twinblock.mirror.link.ForwardedAck;
import net.twinblock.mirror.link.Heartbeat;
import net.twinblock.mirror.link.LinkOutbox;
import net.twinblock.mirror.link.MirroredWrite;
import net.twinblock.mirror.link.PeerError;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerMessage;
import net.twinblock.mirror.link.PointAck;
import net.twinblock.mirror.link.PointManifest;
import net.twinblock.mirror.link.RecordAck;
import net.twinblock.mirror.link.RecordUpdate;
import net.twinblock.mirror.link.StatusReply;
import net.twinblock.mirror.link.SyncState;
import net.twinblock.mirror.link.WriteAck;
import net.twinblock.mirror.store.Failures;
import net.twinblock.mirror.store.ConsistencyPoint;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Journal;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.mirror.record.PairRecord;

/**
 * The secondary's handler on an authenticated link, after the {@link net.twinblock.mirror.link.WriteAssembler}:
 * appends mirrored writes and discards to the volume's {@link Journal} (keyed by the primary's
 * sequence number, the transfer id) and acknowledges each once it is appended (and durable, with
 * FUA); the journal applies them to the volume in that order. FLUSH makes everything journaled
 * durable before FLUSH_ACK.
 *
 * <p>Overlapping writes are journaled in arrival order, which is the primary's order: each takes
 * the range lock as it arrives, so a later overlapping write cannot overtake an earlier one
 * (one still waiting for a metadata barrier, or from a link that dropped) into the journal. Metadata changes
 * (SYNC_STATE) form a barrier: nothing after one is applied before it is durable.
 */
final class MirrorReceiver extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = System.getLogger(MirrorReceiver.class.getName());

    private final Journal journal;
    private final FileVolume volume;
    private final PairMetadata meta;
    /**
     * Shared by every link of this secondary: an apply still running from a link that dropped
     * keeps its range, so a write re-sent or newer on the next link cannot overtake it.
     */
    private final RangeLock ranges;
    private final SecondaryVolume forwarder;
    private final SyncListener syncing;
    private final LongAdder applied;
    private final LongAdder flushes;
    /** Failures answered to the primary (every one is logged too). */
    private final LongAdder reported;
    /** This link was ended because the disk detached (answers complete on I/O threads). */
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    /** Completes when every metadata change received so far is durable. Event loop only. */
    private CompletableFuture<Void> barrier;
    private final PairRecord record;
    private final StatusQueries queries;
    private final ManifestFrames manifest = new ManifestFrames();

    MirrorReceiver(Journal journal, FileVolume volume, RangeLock ranges, PairMetadata meta,
            CompletableFuture<Void> adopted, SecondaryVolume forwarder, Consumer<Boolean> syncing, LongAdder applied,
            LongAdder flushes) {
        this(journal, volume, ranges, meta, adopted, forwarder, SyncListener.of(syncing), applied, flushes,
                PairRecord.NONE, null, new LongAdder());
    }

    /**
     * The secondary's bookkeeping of the primary's SYNC_STATE: told of each one, it says what the
     * metadata must record (durable before anything after that SYNC_STATE is applied), and hears
     * where each write of the link ended.
     */
    interface SyncListener {

        void syncing(boolean syncing);

        UnaryOperator<PairMetadata.Meta> metadata(boolean inSync);

        void written(long end);

        /** Records only clean, the oldest form of this bookkeeping. */
        static SyncListener of(Consumer<Boolean> syncing) {
            return new SyncListener() {
                @Override
                public void syncing(boolean s) {
                    syncing.accept(s);
                }

                @Override
                public UnaryOperator<PairMetadata.Meta> metadata(boolean inSync) {
                    return m -> m.withClean(inSync);
                }

                @Override
                public void written(long end) {
                }
            };
        }
    }

    /**
     * @param queries  the read gate's STATUS_QUERYs waiting for STATUS_REPLY; null without a record
     * @param reported counts the failures this node reports to the primary
     */
    MirrorReceiver(Journal journal, FileVolume volume, RangeLock ranges, PairMetadata meta,
            CompletableFuture<Void> adopted, SecondaryVolume forwarder, SyncListener syncing, LongAdder applied,
            LongAdder flushes, PairRecord record, StatusQueries queries, LongAdder reported) {
        this.journal = journal;
        this.reported = reported;
        this.record = record;
        this.queries = queries;
        this.volume = volume;
        this.ranges = ranges;
        this.meta = meta;
        this.barrier = adopted;
        this.forwarder = forwarder;
        this.syncing = syncing;
        this.applied = applied;
        this.flushes = flushes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MirroredWrite w) {
            write(ctx.channel(), w);
        } else if (msg instanceof Discard d) {
            discard(ctx.channel(), d);
        } else if (msg instanceof Flush f) {
            flush(ctx.channel(), f);
        } else if (msg instanceof SyncState s) {
            syncState(s);
        } else if (msg instanceof PointManifest p) {
            point(ctx, p);
        } else if (msg instanceof ForwardedAck a) {
            forwarder.acked(a.id(), a.status());
        } else if (msg instanceof RecordUpdate u && !u.report()) {
            recordUpdate(ctx.channel(), u);
        } else if (msg instanceof StatusReply r && queries != null) {
            queries.replied(r.id(), null);
        } else if (msg instanceof Heartbeat) {
            return; // liveness only
        } else if (msg instanceof PeerError e) {
            LOG.log(Level.WARNING, "primary {0} ends the mirror link: {1}: {2}", ctx.channel().remoteAddress(),
                    e.code(), e.message());
            ctx.close();
        } else {
            String what = msg instanceof PeerMessage m ? m.opcode().toString() : msg.getClass().getSimpleName();
            ReferenceCountUtil.release(msg); // refused: goes nowhere
            LOG.log(Level.WARNING, "closing the mirror link from {0}: unexpected {1}", ctx.channel().remoteAddress(), what);
            ctx.writeAndFlush(new PeerError(PeerErrorCode.PROTOCOL_ERROR, "unexpected " + what))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void write(Channel ch, MirroredWrite w) {
        ByteBuf data = w.data();
        long offset = w.offset();
        int length = data.readableBytes();
        if (outOfRange(offset, length)) {
            data.release(); // refused: ours
            LinkOutbox.of(ch).write(new WriteAck(w.sequence(), AckStatus.OUT_OF_RANGE));
            return;
        }
        if (meta.get().empty()) {
            // A promoted secondary must know its copy holds data (a new partner then gets a full copy).
            barrier = barrier.thenCompose(v -> meta.update(m -> m.withWritten()));
        }
        CompletableFuture<Void> gate = barrier;
        // The lease is taken now, in arrival order; the write waits for it and for the barrier.
        RangeLock.Lease lease = ranges.request(offset, length);
        if (lease.grantedAtRequest() && MirroredVolume.completedNormally(gate)) {
            append(lease, null, ch, w); // nearly every write: no future made or chained to wait for them
        } else {
            lease.whenGranted().thenAccept(l -> gate.whenComplete((v, metaErr) -> append(l, metaErr, ch, w)));
        }
    }

    /** Journals a write under its lease and acknowledges it once appended (durable with FUA). */
    private void append(RangeLock.Lease lease, Throwable metaErr, Channel ch, MirroredWrite w) {
        ByteBuf data = w.data();
        long offset = w.offset();
        int length = data.readableBytes();
        if (metaErr != null) {
            data.release(); // never reaches the volume
            appended(lease, ch, w, offset, length, metaErr);
        } else {
            // Takes ownership of data. A listener, not a future: no future and completion per write.
            journal.write(w.sequence(), offset, data, w.fua(), err -> appended(lease, ch, w, offset, length, err));
        }
    }

    /** The journal took a write (or refused it): the range goes, the primary hears. Journal thread, mostly. */
    private void appended(RangeLock.Lease lease, Channel ch, MirroredWrite w, long offset, int length, Throwable err) {
        lease.close();
        if (err != null && stopping(ch, err, "write " + w.sequence())) {
            return;
        }
        applied.increment();
        if (err == null) {
            syncing.written(offset + length);
        }
        AckStatus status = quiet(err) ? AckStatus.OK
                : answer(ch, "mirrored write " + w.sequence() + " of " + length + " bytes at " + offset, err);
        if (status != null) {
            // Acks of writes finishing together leave in one flush, not one each.
            LinkOutbox.of(ch).write(new WriteAck(w.sequence(), status));
        }
    }

    private void discard(Channel ch, Discard d) {
        LinkOutbox acks = LinkOutbox.of(ch);
        if (outOfRange(d.offset(), d.length())) {
            acks.write(new WriteAck(d.sequence(), AckStatus.OUT_OF_RANGE));
            return;
        }
        CompletableFuture<Void> gate = barrier;
        ranges.acquire(d.offset(), d.length()).thenAccept(lease -> gate
                .thenCompose(v -> journal.discard(d.sequence(), d.offset(), d.length()))
                .whenComplete((ok, err) -> {
                    lease.close();
                    AckStatus status = quiet(err) ? AckStatus.OK
                            : stopping(ch, err, "discard " + d.sequence()) ? null
                            : answer(ch, "mirrored discard " + d.sequence() + " at " + d.offset(), err);
                    if (status != null) {
                        acks.write(new WriteAck(d.sequence(), status));
                    }
                }));
    }

    private void flush(Channel ch, Flush f) {
        flushes.increment();
        LinkOutbox acks = LinkOutbox.of(ch);
        barrier.thenCompose(v -> journal.flush()).whenComplete((ok, err) -> {
            AckStatus status = quiet(err) ? AckStatus.OK
                    : stopping(ch, err, "flush " + f.sequence()) ? null
                    : answer(ch, "mirrored flush " + f.sequence(), err);
            if (status != null) {
                acks.write(new FlushAck(f.sequence(), status));
            }
        });
    }

    /**
     * A consistency point's frame; at its last, the point goes to the journal after every write
     * received before it: the whole range lock waits for each earlier write to be journaled
     * (each holds its range until then), and later writes queue behind the point.
     */
    private void point(ChannelHandlerContext ctx, PointManifest f) {
        ConsistencyPoint p;
        try {
            p = manifest.add(f);
        } catch (IllegalArgumentException e) {
            ctx.writeAndFlush(new PeerError(PeerErrorCode.PROTOCOL_ERROR, e.getMessage()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (p == null) {
            return;
        }
        Channel ch = ctx.channel();
        CompletableFuture<Void> gate = barrier;
        ranges.acquire(0, volume.size()).thenAccept(lease -> gate.whenComplete((v, metaErr) -> {
            CompletableFuture<Void> done = metaErr != null ? CompletableFuture.failedFuture(metaErr) : journal.point(p);
            lease.close(); // queued in the journal: later writes may follow it
            done.whenComplete((ok, err) -> {
                if (!stopping(ch, err, "point " + p.number())) {
                    LinkOutbox.of(ch).write(new PointAck(p.number(), status(err)));
                }
            });
        }));
    }

    /**
     * True, and the link closed without an answer, if {@code err} is this node's journal refusing
     * because the node stops: as for a record update then, the primary follows mirror.on-peer-loss
     * (re-sends on the next link, or goes on alone) rather than fail a host's write for it.
     */
    private boolean stopping(Channel ch, Throwable err, String what) {
        if (err == null || !journal.closed()) {
            return false;
        }
        LOG.log(Level.INFO, "{0} arrived while this secondary stops: closing the link", what);
        ch.close();
        return true;
    }

    /** Nothing to say but OK: the common case, which builds no message for {@link #answer}. */
    private boolean quiet(Throwable err) {
        return err == null && !volume.health().detached();
    }

    /**
     * What to answer for {@code what}: every failure is logged and counted here, so the secondary
     * says what it told the primary. A failing disk (not a full one) marks the volume failed; once
     * it is detached ({@code disk.on-error=detach}) nothing more is acknowledged: the link ends
     * with DISK_FAILED (null returned) and the primary goes on as without its secondary.
     */
    private AckStatus answer(Channel ch, String what, Throwable err) {
        AckStatus status = status(err);
        if (status != AckStatus.OK) {
            reported.increment();
            VolumeException failure = Failures.volumeError(err);
            LOG.log(Level.WARNING, "{0} failed on this secondary ({1}), reported to the primary as {2}: {3}", what,
                    failure.fault(), status, failure.getMessage());
            if (failure.fault() == VolumeException.Fault.IO_ERROR
                    || failure.fault() == VolumeException.Fault.FLUSH_POISONED) {
                volume.health().markFailed(what + ": " + failure.getMessage());
            }
        }
        if (volume.health().detached()) {
            if (ended.compareAndSet(false, true)) {
                reported.increment(); // what it tells the primary instead of this and every later answer
                LOG.log(Level.ERROR, "this secondary's copy is detached after a disk failure: ending the mirror link"
                        + " with DISK_FAILED instead of answering " + what);
                ch.writeAndFlush(new PeerError(PeerErrorCode.DISK_FAILED, "the secondary's disk failed: "
                        + volume.health().failure())).addListener(ChannelFutureListener.CLOSE);
            }
            return null;
        }
        return status;
    }

    /**
     * Persists the primary's record; the RECORD_ACK is what lets the primary release the writes
     * waiting on it, so it goes out only once this copy is durable. Not behind the metadata
     * barrier: the record says nothing about data, and writes wait for it on the primary.
     */
    private void recordUpdate(Channel ch, RecordUpdate u) {
        CompletableFuture<Void> durable;
        try {
            durable = record.apply(u.snapshot());
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        durable.whenComplete((ok, err) -> {
            if (err != null && Failures.cause(err) instanceof IllegalStateException) {
                // This node stops being the secondary (it is closing): no answer, the link goes, and
                // the primary follows mirror.on-peer-loss (re-send on the next link, or go on alone)
                // rather than fail a host's write for a disk error that is not one.
                LOG.log(Level.INFO, "record update {0} arrived while this secondary stops: closing the link",
                        u.sequence());
                ch.close();
                return;
            }
            if (err != null) {
                LOG.log(Level.WARNING, "record update {0} from the primary not persisted: {1}", u.sequence(),
                        err.toString());
            }
            LinkOutbox.of(ch).write(new RecordAck(u.sequence(), err == null ? AckStatus.OK : AckStatus.IO_ERROR));
        });
    }

    private void syncState(SyncState s) {
        syncing.syncing(!s.inSync());
        // A copy being rebuilt must say so on disk before the first rebuilt byte lands.
        UnaryOperator<PairMetadata.Meta> change = syncing.metadata(s.inSync());
        barrier = barrier.thenCompose(v -> meta.update(change));
        if (!s.inSync()) {
            LOG.log(Level.INFO, "the primary starts a resync to this secondary (its log says which: full copy, bitmap, record or checksum)");
        } else {
            LOG.log(Level.INFO, "this secondary is in sync with its primary");
        }
    }

    private boolean outOfRange(long offset, long length) {
        return offset < 0 || length < 0 || offset > volume.size() || length > volume.size() - offset;
    }

    static AckStatus status(Throwable err) {
        if (err == null) {
            return AckStatus.OK;
        }
        return switch (Failures.volumeError(err).fault()) {
            case NOT_READY -> AckStatus.NOT_READY;
            case NO_SPACE -> AckStatus.NO_SPACE;
            case IO_ERROR, FLUSH_POISONED, DETACHED, ELSEWHERE, OTHER -> AckStatus.IO_ERROR;
        };
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.WARNING, "mirror link from {0} failed: {1}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
