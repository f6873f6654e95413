package net.twinblock.mirror.pair;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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

    PeerLossPolicy(OnPeerLoss mode, Duration suspendTimeout) {
        this.mode = mode;
        this.suspendTimeout = suspendTimeout;
    }

    /** CONTINUE: without a link, what would go to the secondary completes on the primary alone. */
    boolean continuesAlone() {
        return mode == OnPeerLoss.CONTINUE;
    }

    /**
     * SUSPEND: runs {@code giveUp} on {@code timer} once the suspend timeout passed; cancel the
     * result when the link is back. Each sender keeps its own timer (its own event loop).
     */
    ScheduledFuture<?> holdUntilTimeout(EventExecutor timer, Runnable giveUp) {
        return timer.schedule(giveUp, suspendTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The retryable failure of something SUSPEND held past the timeout; {@code what} says what is not done. */
    VolumeException gaveUp(String what) {
        return new VolumeException("the secondary did not come back within " + suspendTimeout.toMillis()
                + " ms (mirror.on-peer-loss SUSPEND); " + what, true);
    }

    /** What writes do without the secondary, for the log. */
    String withoutSecondary() {
        return continuesAlone() ? "completing on the primary alone (DEGRADED)"
                : "held for up to " + suspendTimeout.toMillis() + " ms (SUSPENDED)";
    }
}
