package net.twinblock.mirror.pair;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.DataCarrier;
import net.twinblock.mirror.link.Discard;
import net.twinblock.mirror.link.Flush;
import net.twinblock.mirror.link.FrameHeader;
import net.twinblock.mirror.link.LinkOutbox;
import net.twinblock.mirror.link.PeerMessage;
import net.twinblock.mirror.link.SyncState;
import net.twinblock.mirror.link.WriteFramer;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.mirror.resync.DivergenceTracker;

/**
 * The primary's side of the mirror: every write, discard and flush that must reach the
 * secondary is an {@link Op}, kept by sequence number until the secondary acknowledges it, so
 * many are in flight at once and acknowledgements may come back in any order.
 *
 * <p>Without a link the {@link PeerLossPolicy} decides: CONTINUE completes the op at once (DEGRADED: the range is
 * reported to the {@link DivergenceTracker} and the metadata marked not clean, durably, before
 * the host is answered); SUSPEND keeps it, re-sends it on the next link and fails it as
 * retryable at the suspend timeout. Ops of the initial copy ({@code copy}) only ever fail: the
 * next link starts the copy again.
 *
 * <p>One lock guards the link and the pending table, so "is there a link" and "what happens to
 * this op" are decided together: an op is either sent on the link that the handshake declared in
 * sync, or marked changed before that decision. Channel writes happen outside it. That lock is
 * why this class runs past 500 lines: the link's lifecycle, the pending table and what a lost
 * link does to each op must be decided under it, so they stay together.
 */
final class Replicator {

    private static final Logger LOG = System.getLogger(Replicator.class.getName());
    private static final long REMINDER_SECONDS = 60;

    enum Kind { WRITE, DISCARD, FLUSH }

    /** One operation on its way to the secondary. */
    static final class Op {
        final Kind kind;
        final int sequence;
        final long order;
        final long offset;
        final long length;
        final boolean fua;
        final boolean copy;
        /** The replicator's own reference to the write data; released exactly once in {@link #settle}. */
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

    private final WriteFramer framer;
    private final PeerLossPolicy policy;
    private final DivergenceTracker tracker;
    private final PairMetadata meta;
    private final EventExecutor timer;
    /** Told of every write and discard sent, cuts consistency points; null without {@code cp.enabled}. */
    private final PointCutter points;

    private final Object lock = new Object();
    private final Map<Integer, Op> pending = new HashMap<>();
    private final List<CompletableFuture<Void>> linkWaiters = new ArrayList<>();
    private Channel link;
    /** The link's outbox: frames of many ops go out in one flush. Set and cleared with {@link #link}. */
    private LinkOutbox out;
    private boolean syncing;
    private boolean everLinked;
    private boolean degradedLogged;
    /** Closed (node closing, or demoted): a late op fails as retryable instead of going on alone. */
    private boolean closed;
    private long nextOrder = 1;
    /**
     * Writes and discards the secondary acknowledged on this link that no FLUSH_ACK covers yet:
     * region (offset / 64 KiB) to {first offset, end, ack number}. Its page cache may be all that
     * holds them, so under CONTINUE a lost link puts them on the divergence tracker.
     */
    private final Map<Long, long[]> ackedUnflushed = new HashMap<>();
    private long dataAcks;
    private ScheduledFuture<?> reminder;

    final LongAdder mirrored = new LongAdder();
    final LongAdder degraded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder linkUps = new LongAdder();
    final LongAdder fullCopies = new LongAdder();
    final LongAdder bitmapResyncs = new LongAdder();
    /** Bytes of the frames of mirrored operations and points sent (headers too; re-sends too). */
    final LongAdder linkBytes = new LongAdder();
    /** Bytes of host writes mirrored (not copies): link bytes per host byte is the link's cost. */
    final LongAdder hostBytes = new LongAdder();

    Replicator(WriteFramer framer, PeerLossPolicy policy, DivergenceTracker tracker, PairMetadata meta,
            EventExecutor timer) {
        this(framer, policy, tracker, meta, timer, null);
    }

    /** @param points consistency points ({@code cp.enabled}), or null */
    Replicator(WriteFramer framer, PeerLossPolicy policy, DivergenceTracker tracker, PairMetadata meta,
            EventExecutor timer, PointCutter points) {
        this.points = points;
        this.framer = framer;
        this.policy = policy;
        this.tracker = tracker;
        this.meta = meta;
        this.timer = timer;
    }

    // ---- what MirroredVolume asks for ----

    /**
     * Completes when a new host write may start: at once with a link or under CONTINUE; under
     * SUSPEND when the link returns, failing retryable if it does not within the timeout. Holding
     * the write before it touches the primary's disk keeps both copies equal.
     */
    CompletableFuture<Void> ready() {
        CompletableFuture<Void> waiter;
        synchronized (lock) {
            if (closed) {
                // close() already failed the waiters: one added now would wait out the whole timeout.
                return CompletableFuture.failedFuture(new VolumeException("the mirrored volume is closing", true));
            }
            if (link != null || policy.continuesAlone()) {
                return CompletableFuture.completedFuture(null);
            }
            waiter = new CompletableFuture<>();
            linkWaiters.add(waiter);
        }
        ScheduledFuture<?> t = policy.holdUntilTimeout(timer, () -> {
            synchronized (lock) {
                if (!linkWaiters.remove(waiter)) {
                    return;
                }
            }
            failed.increment();
            waiter.completeExceptionally(policy.gaveUp("write not done"));
        });
        waiter.whenComplete((ok, err) -> t.cancel(false));
        return waiter;
    }

    /** Mirrors a write. Takes ownership of {@code data} (one reference, released once acked or given up). */
    CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua, boolean copy) {
        return submit(Kind.WRITE, offset, data.readableBytes(), fua, copy, data, null);
    }

    CompletableFuture<Void> discard(long offset, long length, boolean copy) {
        return submit(Kind.DISCARD, offset, length, false, copy, null, null);
    }

    /**
     * A host's (or the record's) FLUSH. Under CONTINUE without a secondary it succeeds on the
     * primary alone once the metadata durably says "not clean" (what the secondary acknowledged
     * without a flush went on the tracker when the link was lost).
     */
    CompletableFuture<Void> flush() {
        return submit(Kind.FLUSH, 0, 0, false, false, null, null);
    }

    /**
     * A resync's write without FUA, only ever on link {@code ch} (failed, retryable, once that link
     * is gone). Takes ownership of {@code data}.
     */
    CompletableFuture<Void> copyWrite(Channel ch, long offset, ByteBuf data) {
        return submit(Kind.WRITE, offset, data.readableBytes(), false, true, data, ch);
    }

    /**
     * A resync's FLUSH, only ever on link {@code ch}: it makes durable what that secondary process
     * acknowledged, so it must not succeed on another link (maybe a restarted secondary that lost
     * those writes), nor "succeed" without a link as a host's flush does under CONTINUE.
     */
    CompletableFuture<Void> copyFlush(Channel ch) {
        return submit(Kind.FLUSH, 0, 0, false, true, null, ch);
    }

    /**
     * An op only the secondary takes, because this primary's disk is detached ({@link
     * net.twinblock.mirror.store.DiskHealth}): sent only while the secondary is in sync, and like
     * a copy op it fails (retryable) when there is no such link or it is lost, never completing
     * on the primary alone: there is no other copy. Takes ownership of {@code data} (may be null).
     */
    CompletableFuture<Void> peerOnly(Kind kind, long offset, long length, boolean fua, ByteBuf data) {
        Channel ch;
        boolean inSync;
        synchronized (lock) {
            ch = link;
            inSync = link != null && !syncing;
        }
        if (!inSync) {
            if (data != null) {
                data.release();
            }
            return CompletableFuture.failedFuture(new VolumeException("this primary's disk is detached and its"
                    + " secondary is " + (ch == null ? "not linked" : "still being resynchronised") + ": no copy can"
                    + " take the " + kind, true));
        }
        // Only on that link: if it goes meanwhile, the op fails rather than complete alone.
        return submit(kind, offset, length, fua, true, data, ch);
    }

    /** @param only the link the op must go out on (a copy op's), or null for whichever link is up */
    private CompletableFuture<Void> submit(Kind kind, long offset, long length, boolean fua, boolean copy,
            ByteBuf data, Channel only) {
        LinkOutbox to;
        List<PeerMessage> frames = null;
        Op op;
        synchronized (lock) {
            op = new Op(kind, nextOrder++, offset, length, fua, copy, data);
            if (kind == Kind.WRITE && !copy) {
                hostBytes.add(length);
            }
            op.acksBefore = dataAcks;
            to = out;
            if (closed) {
                settle(op, new VolumeException("the mirrored volume is closing", true)).run();
            } else if (link != null && (only == null || only == link)) {
                pending.put(op.sequence, op);
                frames = frames(op, link);
                if (points != null) {
                    // Queued under the lock, so a point cut later (under it too) goes on the link after it.
                    send(to, frames);
                    frames = null;
                    if (kind == Kind.FLUSH || points.full()) {
                        // A host flush is followed by a point, so what it made durable is soon a point's image too.
                        sendPoint(to);
                    }
                }
            } else {
                noLink(op);
            }
        }
        if (frames != null) {
            send(to, frames); // the outbox (or a failed write on a closed channel) releases each frame
        }
        return op.done;
    }

    /**
     * Sends a consistency point of everything sent since the last one (every {@code cp.interval});
     * nothing without a link or without a change.
     */
    void point() {
        synchronized (lock) {
            if (points != null && link != null) {
                sendPoint(out);
            }
        }
    }

    /** The secondary answered a point: the point owed since (if any) is cut now. */
    void pointAcked(int point) {
        synchronized (lock) {
            if (points != null && points.acked(point) && link != null) {
                sendPoint(out);
            }
        }
    }

    private void send(LinkOutbox to, List<PeerMessage> frames) {
        count(frames);
        to.write(frames);
    }

    private void count(List<PeerMessage> frames) {
        for (PeerMessage f : frames) {
            // A write's data frame is counted by its buffer: no header built twice on the hot path.
            linkBytes.add(FrameHeader.LENGTH
                    + (f instanceof DataCarrier d ? d.data().readableBytes() : f.header().payloadLength()));
        }
    }

    /**
     * Cuts a point and queues it behind every frame queued so far (the transfers it names were
     * queued under this lock). Holds the lock.
     */
    private void sendPoint(LinkOutbox to) {
        List<PeerMessage> cut = points.cut();
        if (!cut.isEmpty()) {
            count(cut);
            to.writeBehindQueued(cut);
        }
    }

    // ---- link events ----

    /**
     * An authenticated link: decides under the lock whether the secondary needs a full copy
     * ({@code needsCopy} sees every degraded write marked so far), tells the secondary, and
     * re-sends what is still unacknowledged in the original order.
     *
     * @return true if a full copy must now run
     */
    boolean linkUp(Channel ch, BooleanSupplier needsCopy) {
        List<CompletableFuture<Void>> waiters;
        List<List<PeerMessage>> resend = new ArrayList<>();
        boolean copy;
        LinkOutbox to = LinkOutbox.of(ch);
        synchronized (lock) {
            copy = needsCopy.getAsBoolean();
            link = ch;
            policy.linked();
            out = to;
            syncing = copy;
            everLinked = true;
            degradedLogged = false;
            linkUps.increment();
            if (reminder != null) {
                reminder.cancel(false);
                reminder = null;
            }
            // First on the wire, before any write: the secondary records whether it is being rebuilt.
            // Through the outbox like every op, so no op sent earlier from this thread overtakes it.
            to.write(new SyncState(!copy, (int) meta.get().generation()));
            List<Op> ops = new ArrayList<>(pending.values());
            ops.sort(Comparator.comparingLong(o -> o.order));
            for (Op op : ops) {
                if (op.timeout != null) {
                    op.timeout.cancel(false);
                    op.timeout = null;
                }
                List<PeerMessage> f = frames(op, ch);
                if (f != null && points != null) {
                    send(to, f); // under the lock, ahead of any point that names it
                } else if (f != null) {
                    resend.add(f);
                }
            }
            if (points != null && points.relinked()) {
                sendPoint(to);
            }
            waiters = new ArrayList<>(linkWaiters);
            linkWaiters.clear();
        }
        for (List<PeerMessage> f : resend) {
            send(to, f);
        }
        for (CompletableFuture<Void> w : waiters) {
            w.complete(null);
        }
        if (!resend.isEmpty()) {
            LOG.log(Level.INFO, "re-sent {0} unacknowledged mirror operations to the secondary", resend.size());
        }
        return copy;
    }

    void linkDown(Channel ch) {
        List<Runnable> settle = new ArrayList<>();
        synchronized (lock) {
            if (link != ch) {
                return;
            }
            link = null;
            out = null;
            syncing = false;
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
        }
        LOG.log(Level.WARNING, "mirror link to the secondary is down; writes are {0}", policy.withoutSecondary());
        settle.forEach(Runnable::run);
    }

    /**
     * The witness recorded the secondary outdated ({@link Quorum}): what was held for a link
     * completes on the primary alone now, as under CONTINUE.
     */
    void peerOutdated() {
        List<Runnable> settle = new ArrayList<>();
        List<CompletableFuture<Void>> waiters;
        synchronized (lock) {
            if (link != null) {
                return;
            }
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
            waiters = new ArrayList<>(linkWaiters);
            linkWaiters.clear();
        }
        settle.forEach(Runnable::run);
        waiters.forEach(w -> w.complete(null));
    }

    /** The full copy over {@code ch} finished: the secondary is identical from now on. */
    void copyDone(Channel ch) {
        copyDone(ch, true);
    }

    /**
     * A copy over {@code ch} finished, the full one or the outage bitmap's regions ({@code full}
     * false): the secondary is identical from now on and holds our data generation, so the
     * outage baseline becomes history (the secondary adopts the same on SYNC_STATE in sync).
     */
    void copyDone(Channel ch, boolean full) {
        synchronized (lock) {
            if (link != ch || !syncing) {
                return;
            }
            syncing = false;
            if (full) {
                fullCopies.increment();
            } else {
                bitmapResyncs.increment();
            }
            tracker.clear();
            out.write(new SyncState(true, (int) meta.get().generation()));
        }
        meta.update(m -> m.withClean(true).withGenerations(m.generations().endResync()));
        LOG.log(Level.INFO, "{0} to the secondary finished: the pair is IN_SYNC",
                full ? "full copy" : "resync of the outage bitmap's regions");
    }

    /**
     * The record-bounded crash resync over {@code ch} finished: the secondary is identical again.
     * Unlike {@link #copyDone} it leaves the divergence tracker alone: ranges it holds were not copied.
     *
     * @return false if {@code ch} is no longer the link being resynchronised (nothing changed)
     */
    boolean recordResyncDone(Channel ch) {
        synchronized (lock) {
            if (link != ch || !syncing) {
                return false;
            }
            syncing = false;
            out.write(new SyncState(true, (int) meta.get().generation()));
        }
        meta.update(m -> m.withClean(true));
        LOG.log(Level.INFO, "crash resync to the secondary finished: the pair is IN_SYNC");
        return true;
    }

    // ---- acknowledgements (event loop of the link) ----

    void acked(int sequence, AckStatus status) {
        Op op;
        synchronized (lock) {
            op = pending.remove(sequence);
            if (op != null && status == AckStatus.OK && !op.copy) {
                ackedLocked(op);
            }
        }
        if (op == null) {
            return; // a re-sent op acknowledged twice, or given up already
        }
        if (status == AckStatus.OK) {
            mirrored.increment();
            settle(op, null).run();
        } else if (op.copy || op.kind == Kind.FLUSH) {
            settle(op, new VolumeException("the secondary failed " + op.kind + " at " + op.offset + ": "
                    + status, faultOf(status), null)).run();
        } else {
            // The primary has the data and the secondary does not: remember it before failing the host.
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

    // ---- state ----

    boolean linked() {
        synchronized (lock) {
            return link != null;
        }
    }

    boolean linkedOn(Channel ch) {
        synchronized (lock) {
            return link == ch;
        }
    }

    PairState state() {
        synchronized (lock) {
            if (link != null) {
                return syncing ? PairState.SYNCING : PairState.IN_SYNC;
            }
            if (policy.continuesAlone()) {
                return everLinked || degradedLogged ? PairState.DEGRADED : PairState.CONNECTING;
            }
            return everLinked ? PairState.SUSPENDED : PairState.CONNECTING;
        }
    }

    String peer() {
        synchronized (lock) {
            return link == null ? null : String.valueOf(link.remoteAddress());
        }
    }

    int pending() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /** Fails everything still waiting, and every later op: the node is closing, or no longer the primary. */
    void close() {
        List<Runnable> settle = new ArrayList<>();
        List<CompletableFuture<Void>> waiters;
        synchronized (lock) {
            closed = true;
            for (Op op : pending.values()) {
                if (op.timeout != null) {
                    op.timeout.cancel(false);
                }
                settle.add(settle(op, new VolumeException("the mirrored volume is closing", true)));
            }
            pending.clear();
            waiters = new ArrayList<>(linkWaiters);
            linkWaiters.clear();
            link = null;
            out = null;
            if (reminder != null) {
                reminder.cancel(false);
            }
        }
        settle.forEach(Runnable::run);
        waiters.forEach(w -> w.completeExceptionally(new VolumeException("the mirrored volume is closing", true)));
    }

    // ---- internals; the ones named *Locked or called from a synchronized block hold the lock ----

    /** Keeps {@link #ackedUnflushed} for an op the secondary acknowledged. Holds the lock. */
    private void ackedLocked(Op op) {
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

    /** Frames for {@code op} on {@code ch}, or null if it was sent there already. Holds the lock. */
    private List<PeerMessage> frames(Op op, Channel ch) {
        if (op.sentOn == ch) {
            return null;
        }
        op.sentOn = ch;
        if (points != null && op.changesData()) {
            points.sent(op.sequence, op.offset, op.length);
        }
        switch (op.kind) {
            case WRITE:
                // Each send gets its own reference (a retained duplicate) which the frames own and the
                // encoder releases; the op's reference stays for a re-send until the ack.
                return framer.frames(op.sequence, op.offset, op.data.retainedDuplicate(), op.fua);
            case DISCARD:
                return List.of(new Discard(op.sequence, op.offset, op.length));
            default:
                return List.of(new Flush(op.sequence));
        }
    }

    /** No link for a new op. Holds the lock. */
    private void noLink(Op op) {
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
     * CONTINUE without a link: the op counts as done on the primary alone. The changed range is
     * marked now (under the lock, before any new link decides "in sync"); the host hears back
     * only once the metadata saying "not clean" is durable. Holds the lock.
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

    /** SUSPEND timeout for an op that reached the primary but not the secondary. */
    private void giveUp(Op op) {
        synchronized (lock) {
            if (pending.get(op.sequence) != op) {
                return;
            }
            pending.remove(op.sequence);
        }
        failed.increment();
        VolumeException e = policy.gaveUp(op.kind + " not mirrored");
        if (op.changesData()) {
            tracker.markChanged(op.offset, op.length);
            meta.update(PairMetadata.Meta::diverged).whenComplete((ok, err) -> settle(op, e).run());
        } else {
            settle(op, e).run();
        }
    }

    /** Releases the op's data now and returns the completion to run outside the lock. */
    private Runnable settle(Op op, Throwable failure) {
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
