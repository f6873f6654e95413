package net.twinblock.iscsi.scsi;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * How the SCSI layer aborts other nexuses' tasks, which only the session layer can reach:
 * PREEMPT AND ABORT (SPC-4 §5.13.11.2.5) ends every task of the preempted nexuses on the LU
 * before it completes.
 */
@FunctionalInterface
public interface TaskAborter {

    /** Aborts the tasks for {@code lun} of every nexus {@code of} accepts; completes when none is left running. */
    CompletableFuture<Void> abort(int lun, Predicate<Nexus> of);

    TaskAborter NONE = (lun, of) -> CompletableFuture.completedFuture(null);
}
