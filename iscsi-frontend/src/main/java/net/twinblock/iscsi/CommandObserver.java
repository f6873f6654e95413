package net.twinblock.iscsi;

import java.util.Arrays;
import java.util.List;
import net.twinblock.iscsi.scsi.ScsiStatus;

/**
 * Told of every SCSI command the target runs, so the embedder keeps IOPS and latency metrics
 * without the frontend knowing about metrics, and without the embedder reaching into the SCSI
 * layer. Called on event loops and I/O threads: quick, and never blocking.
 */
public interface CommandObserver {

    /** Every status a command can end with, as {@link #finished} names it: "good", "check_condition", ... */
    List<String> STATUSES = Arrays.stream(ScsiStatus.values()).map(ObservedExecutor::statusName).toList();

    /** Observes nothing. */
    CommandObserver NONE = new CommandObserver() {
        @Override
        public void started() {
        }

        @Override
        public void finished(String status, long nanos) {
        }
    };

    /** A command goes to the SCSI layer (its data, if any, is in). */
    void started();

    /** It ended with {@code status} (one of {@link #STATUSES}) {@code nanos} after {@link #started}. */
    void finished(String status, long nanos);
}
