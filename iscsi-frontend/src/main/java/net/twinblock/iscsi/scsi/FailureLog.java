package net.twinblock.iscsi.scsi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import net.twinblock.iscsi.lun.StorageException;

/**
 * Logs storage failures once per state, not once per command: a secondary without its primary
 * refuses every command the same way, and a host retrying wrote 14,095 lines in 32 s. The first
 * failure of a kind and message is logged; repeats are counted and summed up when the failure
 * changes, or once a minute while it lasts.
 */
final class FailureLog {

    static final long SUMMARY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Logger log;
    private final LongSupplier clock;
    private String last;
    private long repeats;
    private long since;

    FailureLog(Logger log, LongSupplier nanoClock) {
        this.log = log;
        this.clock = nanoClock;
    }

    /** One command failed with {@code failure}. */
    void failed(ScsiOpcode op, StorageException failure) {
        String state = failure.kind() + ": " + failure.getMessage();
        String line = null;
        String summary = null;
        synchronized (this) {
            long now = clock.getAsLong();
            if (!state.equals(last)) {
                if (repeats > 0) {
                    summary = "the failure before (" + last + ") happened " + repeats + " more time(s)";
                }
                last = state;
                repeats = 0;
                since = now;
                line = op + " failed: " + failure.getMessage() + " (" + failure.kind() + ")";
            } else if (now - since >= SUMMARY_NANOS) {
                summary = "still failing: " + state + ", " + (repeats + 1) + " command(s) in the last "
                        + TimeUnit.NANOSECONDS.toSeconds(now - since) + " s";
                repeats = 0;
                since = now;
            } else {
                repeats++;
            }
        }
        if (summary != null) {
            log.log(Level.WARNING, summary);
        }
        if (line != null) {
            log.log(Level.WARNING, line);
        }
    }
}
