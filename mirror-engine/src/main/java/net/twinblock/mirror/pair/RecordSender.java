package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.RecordUpdate;
import net.twinblock.mirror.store.VolumeException;

/**
 * The primary's end of record replication: sends one RECORD_UPDATE at a time (the record never
 * starts an update before the previous one finished) and completes it on RECORD_ACK.
 *
 * <p>Without a link the write policy decides, as for data: CONTINUE completes the update at once,
 * because every write it admits then completes DEGRADED and is marked in the divergence tracker,
 * which (not the record) bounds the next resync; SUSPEND keeps it, re-sends it on the next link
 * and fails it as retryable at the suspend timeout. A new link always gets the current record
 * first, so the secondary's read gate never works from a record older than the link.
 */
final class RecordSender {

    private static final Logger LOG = System.getLogger(RecordSender.class.getName());

    private final PeerLossPolicy policy;
    private final EventExecutor timer;
    private final Supplier<byte[]> current;
    private final Object lock = new Object();
    private Channel link;
    private int nextSequence = 1;
    private Pending pending;

    private static final class Pending {
        final int sequence;
        final byte[] snapshot;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledFuture<?> timeout;

        Pending(int sequence, byte[] snapshot) {
            this.sequence = sequence;
            this.snapshot = snapshot;
        }
    }

    RecordSender(PeerLossPolicy policy, EventExecutor timer, Supplier<byte[]> current) {
        this.policy = policy;
        this.timer = timer;
        this.current = current;
    }

    /** Replicates one record update; completes once the secondary's copy is durable (or as the policy says). */
    CompletableFuture<Void> send(byte[] snapshot) {
        Pending p;
        Channel ch;
        synchronized (lock) {
            if (pending != null) {
                return CompletableFuture.failedFuture(new IllegalStateException("record update "
                        + pending.sequence + " still running"));
            }
            ch = link;
            if (ch == null && policy.continuesAlone()) {
                return CompletableFuture.completedFuture(null);
            }
            p = new Pending(nextSequence++, snapshot);
            pending = p;
            if (ch == null) {
                p.timeout = policy.holdUntilTimeout(timer, () -> giveUp(p));
            }
        }
        if (ch != null) {
            ch.writeAndFlush(new RecordUpdate(false, p.sequence, snapshot));
        }
        return p.done;
    }

    /** A new link: the pending update (newest) or the current record goes out before anything else. */
    void linkUp(Channel ch) {
        byte[] send;
        int sequence;
        synchronized (lock) {
            link = ch;
            policy.linked();
            if (pending != null) {
                if (pending.timeout != null) {
                    pending.timeout.cancel(false);
                    pending.timeout = null;
                }
                send = pending.snapshot;
                sequence = pending.sequence;
            } else {
                send = current.get();
                sequence = 0; // nobody waits for its ack
            }
        }
        if (send != null) {
            ch.writeAndFlush(new RecordUpdate(false, sequence, send));
        }
    }

    void linkDown(Channel ch) {
        Pending release = null;
        synchronized (lock) {
            if (link != ch) {
                return;
            }
            link = null;
            if (pending != null) {
                if (policy.continuesAlone()) {
                    release = pending;
                    pending = null;
                } else if (pending.timeout == null) {
                    Pending p = pending;
                    p.timeout = policy.holdUntilTimeout(timer, () -> giveUp(p));
                }
            }
        }
        if (release != null) {
            release.done.complete(null); // DEGRADED: the writes it admits are marked as they complete
        }
    }

    /** The witness recorded the secondary outdated: a held update completes on the primary alone. */
    void peerOutdated() {
        Pending release;
        synchronized (lock) {
            if (link != null || pending == null) {
                return;
            }
            release = pending;
            pending = null;
        }
        if (release.timeout != null) {
            release.timeout.cancel(false);
        }
        release.done.complete(null);
    }

    void acked(int sequence, AckStatus status) {
        Pending p;
        synchronized (lock) {
            if (pending == null || pending.sequence != sequence) {
                return; // the unsolicited update of a link-up, or an answer from a dropped link
            }
            p = pending;
            pending = null;
        }
        if (status == AckStatus.OK) {
            p.done.complete(null);
        } else {
            LOG.log(Level.WARNING, "the secondary could not persist record update {0}: {1}", sequence, status);
            p.done.completeExceptionally(new VolumeException("the secondary could not persist the predictive"
                    + " record: " + status, status == AckStatus.NOT_READY));
        }
    }

    private void giveUp(Pending p) {
        synchronized (lock) {
            if (pending != p) {
                return;
            }
            pending = null;
        }
        p.done.completeExceptionally(policy.gaveUp("the record update is not on both nodes, so the write"
                + " waiting on it is not done"));
    }

    void close() {
        Pending p;
        synchronized (lock) {
            p = pending;
            pending = null;
            link = null;
        }
        if (p != null) {
            if (p.timeout != null) {
                p.timeout.cancel(false);
            }
            p.done.completeExceptionally(Replicator.closing());
        }
    }
}
