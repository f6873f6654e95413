package net.twinblock.iscsi.session;

import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.twinblock.iscsi.pdu.Pdu;

/**
 * Detects a dead initiator (RFC 7143 §11.19): after {@code interval} without any PDU from it
 * we send a NOP-In ping with a Target Transfer Tag; if no NOP-Out echoing that tag comes back
 * within {@code timeout}, the connection is declared dead.
 *
 * <p>Touched only on the connection's event loop.
 */
final class NopPinger {

    private final Connection connection;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final Runnable onDead;
    private ScheduledFuture<?> timer;
    private long lastHeardNanos = System.nanoTime();
    private int outstandingTtt = Pdu.RESERVED_TAG;
    private long pingSentNanos;

    NopPinger(Connection connection, Duration interval, Duration timeout, Runnable onDead) {
        this.connection = connection;
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.onDead = onDead;
    }

    void start() {
        if (intervalNanos <= 0) {
            return; // pings disabled
        }
        // Check often enough that neither deadline is overshot by more than a quarter.
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(intervalNanos, timeoutNanos > 0 ? timeoutNanos : intervalNanos) / 4);
        timer = connection.loop().scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Any PDU from the initiator shows it is alive. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** A NOP-Out answering a ping carries our TTT. Returns false if it answers no ping of ours. */
    boolean answered(int ttt) {
        if (ttt != Pdu.RESERVED_TAG && ttt == outstandingTtt) {
            outstandingTtt = Pdu.RESERVED_TAG;
            return true;
        }
        return false;
    }

    private void check() {
        long now = System.nanoTime();
        if (outstandingTtt != Pdu.RESERVED_TAG) {
            if (timeoutNanos > 0 && now - pingSentNanos >= timeoutNanos) {
                stop();
                onDead.run();
            }
            return;
        }
        if (now - lastHeardNanos >= intervalNanos) {
            outstandingTtt = connection.nextTtt();
            pingSentNanos = now;
            // ITT 0xffffffff: a target-initiated ping; it does not use up a StatSN (§11.19.2).
            connection.send(TargetPdus.nopIn(connection.alloc(), Pdu.RESERVED_TAG, outstandingTtt, 0L, null), false);
        }
    }
}
