package net.twinblock.mirror.pair;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import net.twinblock.mirror.store.VolumeException;

/**
 * mirror.on-peer-loss as the primary applies it to whatever could not reach the secondary: data
 * ({@link Replicator}) and record updates ({@link RecordSender}) alike, so the two never disagree
 * on what a lost link means. CONTINUE completes it on the primary alone (the caller marks what the
 * secondary lacks); SUSPEND holds it for the next link and gives up, retryable, at the timeout.
 */
final class PeerLossPolicy {

    private final OnPeerLoss mode;
    private final Duration suspendTimeout;
    /**
     * SUSPEND gave up on something since the last link: the secondary is gone for longer than the
     * timeout, and a write that waits the whole timeout again only turns a host's I/O into a hang
     * per command. Until the next link (or an administrator's promote), what would be held fails
     * at once, with the same retryable error.
     */
    private final AtomicBoolean expired = new AtomicBoolean();

    /** With a witness: true once it recorded the secondary outdated (see {@link Quorum}); else null. */
    private final BooleanSupplier peerOutdated;

    PeerLossPolicy(OnPeerLoss mode, Duration suspendTimeout) {
        this(mode, suspendTimeout, null);
    }

    /**
     * With a witness ({@code peerOutdated} not null) work is held as under SUSPEND until the
     * witness durably recorded the secondary outdated, then completes on the primary alone.
     */
    PeerLossPolicy(OnPeerLoss mode, Duration suspendTimeout, BooleanSupplier peerOutdated) {
        this.mode = peerOutdated != null ? OnPeerLoss.SUSPEND : mode;
        this.suspendTimeout = suspendTimeout;
        this.peerOutdated = peerOutdated;
    }

    /** Without a link, what would go to the secondary completes on the primary alone (CONTINUE, or outdated). */
    boolean continuesAlone() {
        return mode == OnPeerLoss.CONTINUE || (peerOutdated != null && peerOutdated.getAsBoolean());
    }

    /**
     * Work held now may later complete alone (CONTINUE, or a witness that may outdate the
     * secondary): what the secondary acknowledged but never flushed must then be on the bitmap.
     */
    boolean mayContinueAlone() {
        return mode == OnPeerLoss.CONTINUE || peerOutdated != null;
    }

    /**
     * SUSPEND: runs {@code giveUp} on {@code timer} once the suspend timeout passed; cancel the
     * result when the link is back. Each sender keeps its own timer (its own event loop).
     */
    ScheduledFuture<?> holdUntilTimeout(EventExecutor timer, Runnable giveUp) {
        long delay = expired.get() ? 0 : suspendTimeout.toNanos();
        return timer.schedule(() -> {
            expired.set(true);
            giveUp.run();
        }, delay, TimeUnit.NANOSECONDS);
    }

    /** A link is up: SUSPEND holds for the full timeout again. */
    void linked() {
        expired.set(false);
    }

    /** The retryable failure of something SUSPEND held past the timeout; {@code what} says what is not done. */
    VolumeException gaveUp(String what) {
        return new VolumeException("the secondary did not come back within " + suspendTimeout.toMillis()
                + " ms (mirror.on-peer-loss SUSPEND; later writes fail at once until it is back or an administrator"
                + " promotes); " + what, true);
    }

    /** What writes do without the secondary, for the log. */
    String withoutSecondary() {
        return continuesAlone() ? "completing on the primary alone (DEGRADED)"
                : "held for up to " + suspendTimeout.toMillis() + " ms (SUSPENDED)";
    }
}
