package net.twinblock.mirror.pair;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.LinkOutbox;
import net.twinblock.mirror.link.PeerMessage;
import net.twinblock.mirror.link.SyncState;
import net.twinblock.mirror.link.WriteFramer;
import net.twinblock.mirror.pair.TransferLog.Op;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.mirror.resync.DivergenceTracker;

/**
 * The primary's side of the mirror: every write, discard and flush that must reach the
 * secondary is an {@link TransferLog.Op}, kept by sequence number until the secondary acknowledges it, so
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
 * sync, or marked changed before that decision. Channel writes happen outside it. The pending
 * table and what a lost link does to each op are the {@link TransferLog}, called under this lock;
 * the {@link OpSender} frames ops and points onto the link.
 */
final class Replicator {

    private static final Logger LOG = System.getLogger(Replicator.class.getName());

    /** What an op, a flush, a record update or a waiter gets when the volume closes under it: retry elsewhere. */
    static VolumeException closing() {
        return new VolumeException("the mirrored volume is closing", true);
    }

    enum Kind { WRITE, DISCARD, FLUSH }

    private final PeerLossPolicy policy;
    private final DivergenceTracker tracker;
    private final PairMetadata meta;
    private final EventExecutor timer;
    /** Told of every write and discard sent, cuts consistency points; null without {@code cp.enabled}. */
    private final PointCutter points;

    private final Object lock = new Object();
    private final TransferLog log;
    private final OpSender sender;
    private final List<CompletableFuture<Void>> linkWaiters = new ArrayList<>();
    private Channel link;
    /** The link's outbox: frames of many ops go out in one flush. Set and cleared with {@link #link}. */
    private LinkOutbox out;
    private boolean syncing;
    private boolean everLinked;
    /** Closed (node closing, or demoted): a late op fails as retryable instead of going on alone. */
    private boolean closed;
    /** The timer of a flush's point put off by {@code cp.flush-spacing}, or null. */
    private ScheduledFuture<?> spacedPoint;

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
        this.policy = policy;
        this.tracker = tracker;
        this.meta = meta;
        this.timer = timer;
        this.log = new TransferLog(lock, policy, tracker, meta, timer, degraded, failed);
        this.sender = new OpSender(framer, points, linkBytes);
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
                return CompletableFuture.failedFuture(closing());
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
            op = log.open(kind, offset, length, fua, copy, data);
            if (kind == Kind.WRITE && !copy) {
                hostBytes.add(length);
            }
            to = out;
            if (closed) {
                log.settle(op, closing()).run();
            } else if (link != null && (only == null || only == link)) {
                log.add(op);
                frames = sender.frames(op, link);
                if (points != null) {
                    // Queued under the lock, so a point cut later (under it too) goes on the link after it.
                    sender.send(to, frames);
                    frames = null;
                    if (points.full()) {
                        sender.point(to);
                    } else if (kind == Kind.FLUSH) {
                        // A host flush is followed by a point, so what it made durable is soon a point's image too.
                        pointWhenDue(to);
                    }
                }
            } else {
                log.noLink(op);
            }
        }
        if (frames != null) {
            sender.send(to, frames); // the outbox (or a failed write on a closed channel) releases each frame
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
                sender.point(out);
            }
        }
    }

    /** The secondary answered a point: the point owed since (if any) is cut now, or once due. */
    void pointAcked(int point) {
        synchronized (lock) {
            if (points != null && points.acked(point) && link != null) {
                pointWhenDue(out);
            }
        }
    }

    /**
     * A flush's (or an owed) point: cut now if {@code cp.flush-spacing} has passed since the last
     * one, else owed and cut by a timer then. Holds the lock.
     */
    private void pointWhenDue(LinkOutbox to) {
        long wait = points.untilDue();
        if (wait == 0) {
            sender.point(to);
            return;
        }
        points.owe();
        if (spacedPoint == null) {
            spacedPoint = timer.schedule(this::spacedPoint, wait, TimeUnit.NANOSECONDS);
        }
    }

    private void spacedPoint() {
        synchronized (lock) {
            spacedPoint = null;
            if (!closed && link != null && points.owed()) {
                pointWhenDue(out); // a new link meanwhile cut it already (relinked)
            }
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
            linkUps.increment();
            // First on the wire, before any write: the secondary records whether it is being rebuilt.
            // Through the outbox like every op, so no op sent earlier from this thread overtakes it.
            to.write(new SyncState(!copy, (int) meta.get().generation()));
            for (Op op : log.relinked()) {
                List<PeerMessage> f = sender.frames(op, ch);
                if (f != null && points != null) {
                    sender.send(to, f); // under the lock, ahead of any point that names it
                } else if (f != null) {
                    resend.add(f);
                }
            }
            if (points != null && points.relinked()) {
                sender.point(to);
            }
            waiters = new ArrayList<>(linkWaiters);
            linkWaiters.clear();
        }
        for (List<PeerMessage> f : resend) {
            sender.send(to, f);
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
        List<Runnable> settle;
        synchronized (lock) {
            if (link != ch) {
                return;
            }
            link = null;
            out = null;
            syncing = false;
            settle = log.linkLost();
        }
        LOG.log(Level.WARNING, "mirror link to the secondary is down; writes are {0}", policy.withoutSecondary());
        settle.forEach(Runnable::run);
    }

    /**
     * The witness recorded the secondary outdated ({@link Quorum}): what was held for a link
     * completes on the primary alone now, as under CONTINUE.
     */
    void peerOutdated() {
        List<Runnable> settle;
        List<CompletableFuture<Void>> waiters;
        synchronized (lock) {
            if (link != null) {
                return;
            }
            settle = log.peerOutdated();
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
            op = log.acknowledged(sequence, status);
        }
        if (op == null) {
            return; // a re-sent op acknowledged twice, or given up already
        }
        if (status == AckStatus.OK) {
            mirrored.increment();
            log.settle(op, null).run();
        } else {
            log.refused(op, status);
        }
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
                return everLinked || log.degradedLogged() ? PairState.DEGRADED : PairState.CONNECTING;
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
            return log.size();
        }
    }

    /** Fails everything still waiting, and every later op: the node is closing, or no longer the primary. */
    void close() {
        List<Runnable> settle;
        List<CompletableFuture<Void>> waiters;
        synchronized (lock) {
            closed = true;
            if (spacedPoint != null) {
                spacedPoint.cancel(false);
                spacedPoint = null;
            }
            settle = log.close();
            waiters = new ArrayList<>(linkWaiters);
            linkWaiters.clear();
            link = null;
            out = null;
        }
        settle.forEach(Runnable::run);
        waiters.forEach(w -> w.completeExceptionally(closing()));
    }
}
