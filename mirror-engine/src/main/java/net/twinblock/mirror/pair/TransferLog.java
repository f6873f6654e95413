package net.twinblock.mirror.pair;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.pair.Replicator.Kind;
import net.twinblock.mirror.resync.DivergenceTracker;
import net.twinblock.mirror.store.VolumeException;

/**
 * The primary's transfer log: every op on its way to the secondary, by sequence number, until
 * the secondary acknowledges it or the {@link PeerLossPolicy} ends it (degraded, held, given
 * up), and the writes it acknowledged that no FLUSH_ACK covers yet. Each op's data reference
 * lives here and is released exactly once, whichever way the op ends.
 *
 * <p>Apart from the {@link Replicator} so that class keeps the link (sending, points, the
 * handshake's in-sync decision) and this one what happens to each op. Not thread-safe on its
 * own: the replicator calls it only holding its lock, which it passes in so that the SUSPEND
 * timeout (on the timer) takes that same lock. The {@code Runnable}s it returns complete host
 * futures and release data: run them after letting go of the lock.
 */
final class TransferLog {

    /** The replicator's logger: the DEGRADED lines read as they did before this class was split off. */
    private static final Logger LOG = System.getLogger(Replicator.class.getName());
    private static final long REMINDER_SECONDS = 60;

    /** One operation on its way to the secondary. */
    static final class Op {
        final Kind kind;
        final int sequence;
        final long order;
        final long offset;
        final long length;
        final boolean fua;
        final boolean copy;
        /** The replicator's own reference to the write data; released exactly once in {@link TransferLog#settle}. */
        ByteBuf data;
        /** A FLUSH's count of data acknowledgements when it was sent: what its FLUSH_ACK covers. */
        long acksBefore;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        Channel sentOn;
        ScheduledFuture<?> timeout;

        Op(Kind kind, long order, long offset, long length, boolean fua, boolean copy, ByteBuf data) {
            this.kind = kind;
            this.sequence = (int) order; // wraps after 2^32 ops; never that many in flight
            this.order = order;
            this.offset = offset;
            this.length = length;
            this.fua = fua;
            this.copy = copy;
            this.data = data;
        }

        boolean changesData() {
            return kind != Kind.FLUSH;
        }
    }

    /** The replicator's lock: taken here only by the SUSPEND timeout, which runs on the timer. */
    private final Object lock;
    private final PeerLossPolicy policy;
    private final DivergenceTracker tracker;
    private final PairMetadata meta;
    private final EventExecutor timer;
    private final LongAdder degraded;
    private final LongAdder failed;

    /** By sequence; primitive keys: a boxed one per op was on every mirrored write's path twice. */
    private final IntObjectHashMap<Op> pending = new IntObjectHashMap<>();
    private long nextOrder = 1;
    /**
     * Writes and discards the secondary acknowledged on this link that no FLUSH_ACK covers yet:
     * region (offset / 64 KiB) to {first offset, end, ack number}. Its page cache may be all that
     * holds them, so under CONTINUE a lost link puts them on the divergence tracker. Kept only
     * where work may complete alone ({@link PeerLossPolicy#mayContinueAlone}): under SUSPEND
     * without a witness nothing reads it.
     */
    private final LongObjectHashMap<long[]> ackedUnflushed = new LongObjectHashMap<>();
    private long dataAcks;
    private boolean degradedLogged;
    private ScheduledFuture<?> reminder;

    TransferLog(Object lock, PeerLossPolicy policy, DivergenceTracker tracker, PairMetadata meta,
            EventExecutor timer, LongAdder degraded, LongAdder failed) {
        this.lock = lock;
        this.policy = policy;
        this.tracker = tracker;
        this.meta = meta;
        this.timer = timer;
        this.degraded = degraded;
        this.failed = failed;
    }

    /** A new op, numbered after every earlier one; not in the log until {@link #add}. */
    Op open(Kind kind, long offset, long length, boolean fua, boolean copy, ByteBuf data) {
        Op op = new Op(kind, nextOrder++, offset, length, fua, copy, data);
        op.acksBefore = dataAcks;
        return op;
    }

    void add(Op op) {
        pending.put(op.sequence, op);
    }

    /** The op acknowledged as {@code sequence}, taken out of the log; null if none (a duplicate). */
    Op acknowledged(int sequence, AckStatus status) {
        Op op = pending.remove(sequence);
        if (op != null && status == AckStatus.OK && !op.copy) {
            ackedUnflushed(op);
        }
        return op;
    }

    int size() {
        return pending.size();
    }

    /** Whether writing without the secondary was reported since the last link. */
    boolean degradedLogged() {
        return degradedLogged;
    }

    /**
     * A new link: every op still in the log, in the original order, each no longer timing out
     * (it is about to be re-sent); the degraded reminder stops.
     */
    List<Op> relinked() {
        degradedLogged = false;
        if (reminder != null) {
            reminder.cancel(false);
            reminder = null;
        }
        List<Op> ops = new ArrayList<>(pending.values());
        ops.sort(Comparator.comparingLong(o -> o.order));
        for (Op op : ops) {
            if (op.timeout != null) {
                op.timeout.cancel(false);
                op.timeout = null;
            }
        }
        return ops;
    }

    /**
     * The link is lost: a copy op fails, any other completes alone under CONTINUE or waits for
     * the next link under SUSPEND (failing at the timeout).
     *
     * @return the completions to run outside the lock
     */
    List<Runnable> linkLost() {
        List<Runnable> settle = new ArrayList<>();
        if (policy.mayContinueAlone()) {
            // Flushes without a secondary will let the record forget these: the bitmap keeps them.
            ackedUnflushed.values().forEach(r -> tracker.markChanged(r[0], r[1] - r[0]));
        }
        ackedUnflushed.clear();
        for (Op op : new ArrayList<>(pending.values())) {
            if (op.copy) {
                pending.remove(op.sequence);
                settle.add(settle(op, new VolumeException("mirror link lost during the full copy", true)));
            } else if (policy.continuesAlone()) {
                pending.remove(op.sequence);
                settle.add(degrade(op));
            } else if (op.timeout == null) {
                op.timeout = policy.holdUntilTimeout(timer, () -> giveUp(op));
            }
        }
        return settle;
    }

    /** The secondary is outdated (no link): every op but a copy's completes alone, as under CONTINUE. */
    List<Runnable> peerOutdated() {
        List<Runnable> settle = new ArrayList<>();
        for (Op op : new ArrayList<>(pending.values())) {
            if (op.copy) {
                continue;
            }
            pending.remove(op.sequence);
            if (op.timeout != null) {
                op.timeout.cancel(false);
            }
            settle.add(degrade(op));
        }
        return settle;
    }

    /** Fails every op in the log (the node is closing, or no longer the primary). */
    List<Runnable> close() {
        List<Runnable> settle = new ArrayList<>();
        for (Op op : pending.values()) {
            if (op.timeout != null) {
                op.timeout.cancel(false);
            }
            settle.add(settle(op, Replicator.closing()));
        }
        pending.clear();
        if (reminder != null) {
            reminder.cancel(false);
        }
        return settle;
    }

    /** No link for a new op. */
    void noLink(Op op) {
        if (op.copy) {
            settle(op, new VolumeException("no mirror link for the copy (or not the link it belongs to)", true)).run();
        } else if (policy.continuesAlone()) {
            degrade(op).run();
        } else {
            // A flush or write that got past ready() just as the link dropped: held like any other.
            pending.put(op.sequence, op);
            op.timeout = policy.holdUntilTimeout(timer, () -> giveUp(op));
        }
    }

    /**
     * The secondary refused {@code op} (already out of the log); outside the lock. A write or
     * discard the primary has and the secondary does not is remembered before the host hears.
     */
    void refused(Op op, AckStatus status) {
        if (op.copy || op.kind == Kind.FLUSH) {
            settle(op, new VolumeException("the secondary failed " + op.kind + " at " + op.offset + ": "
                    + status, faultOf(status), null)).run();
        } else {
            tracker.markChanged(op.offset, op.length);
            meta.update(PairMetadata.Meta::diverged).whenComplete((ok, err) -> settle(op,
                    new VolumeException("the secondary failed the mirrored " + op.kind + " of " + op.length
                            + " bytes at " + op.offset + ": " + status, faultOf(status), null)).run());
        }
    }

    /** A secondary's refusal as the host should hear it: a full secondary is a full pair. */
    private static VolumeException.Fault faultOf(AckStatus status) {
        return switch (status) {
            case NOT_READY -> VolumeException.Fault.NOT_READY;
            case NO_SPACE -> VolumeException.Fault.NO_SPACE;
            default -> VolumeException.Fault.IO_ERROR;
        };
    }

    /** Keeps {@link #ackedUnflushed} for an op the secondary acknowledged. */
    private void ackedUnflushed(Op op) {
        if (!policy.mayContinueAlone()) {
            return;
        }
        if (op.kind == Kind.FLUSH) {
            ackedUnflushed.values().removeIf(r -> r[2] <= op.acksBefore);
            return;
        }
        long ack = ++dataAcks;
        long end = op.offset + op.length;
        long[] r = ackedUnflushed.get(op.offset >>> 16);
        if (r == null) {
            ackedUnflushed.put(op.offset >>> 16, new long[] {op.offset, end, ack});
        } else {
            r[0] = Math.min(r[0], op.offset);
            r[1] = Math.max(r[1], end);
            r[2] = ack;
        }
    }

    /**
     * CONTINUE without a link: the op counts as done on the primary alone. The changed range is
     * marked now (under the lock, before any new link decides "in sync"); the host hears back
     * only once the metadata saying "not clean" is durable.
     */
    private Runnable degrade(Op op) {
        if (!degradedLogged) {
            degradedLogged = true;
            LOG.log(Level.ERROR, "pair DEGRADED: writing without the secondary");
            reminder = timer.scheduleAtFixedRate(() -> LOG.log(Level.WARNING,
                    "pair still DEGRADED: writing without the secondary ({0} writes so far)", degraded.sum()),
                    REMINDER_SECONDS, REMINDER_SECONDS, TimeUnit.SECONDS);
        }
        if (!op.changesData()) {
            if (!tracker.anyChanged()) {
                return settle(op, null);
            }
            // The record forgets what this flush covers: first the metadata must durably say that
            // the tracker (in memory) holds what the secondary lacks.
            CompletableFuture<Void> durable = meta.update(PairMetadata.Meta::diverged);
            return () -> durable.whenComplete((ok, err) -> complete(op, err == null ? null
                    : new VolumeException("cannot record the degraded flush in the pair metadata: " + err, false, err)));
        }
        degraded.increment();
        tracker.markChanged(op.offset, op.length);
        CompletableFuture<Void> durable = meta.update(PairMetadata.Meta::diverged);
        Runnable release = settleData(op);
        return () -> {
            release.run();
            durable.whenComplete((ok, err) -> complete(op, err == null ? null
                    : new VolumeException("cannot record the degraded write in the pair metadata: " + err, false, err)));
        };
    }

    /** SUSPEND timeout for an op that reached the primary but not the secondary. On the timer. */
    private void giveUp(Op op) {
        synchronized (lock) {
            if (pending.get(op.sequence) != op) {
                return;
            }
            pending.remove(op.sequence);
        }
        // Counted in mirror.writes_failed by complete(), as every failed op is: not here too.
        VolumeException e = policy.gaveUp(op.kind + " not mirrored");
        if (op.changesData()) {
            tracker.markChanged(op.offset, op.length);
            meta.update(PairMetadata.Meta::diverged).whenComplete((ok, err) -> settle(op, e).run());
        } else {
            settle(op, e).run();
        }
    }

    /** Releases the op's data now and returns the completion to run outside the lock. */
    Runnable settle(Op op, Throwable failure) {
        Runnable release = settleData(op);
        return () -> {
            release.run();
            complete(op, failure);
        };
    }

    private static Runnable settleData(Op op) {
        ByteBuf data = op.data;
        op.data = null;
        if (op.timeout != null) {
            op.timeout.cancel(false);
        }
        // The replicator's reference: released exactly once, whichever way the op ends.
        return () -> {
            if (data != null) {
                data.release();
            }
        };
    }

    private void complete(Op op, Throwable failure) {
        if (failure == null) {
            op.done.complete(null);
        } else {
            if (!op.copy) {
                failed.increment();
            }
            op.done.completeExceptionally(failure);
        }
    }
}
