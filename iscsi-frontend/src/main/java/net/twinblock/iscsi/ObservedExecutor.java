package net.twinblock.iscsi;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.scsi.Nexus;
import net.twinblock.iscsi.scsi.ScsiRequest;
import net.twinblock.iscsi.scsi.ScsiResponse;
import net.twinblock.iscsi.scsi.ScsiStatus;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;

/**
 * Tells a {@link CommandObserver} about each command on its way through. Adds no ownership of
 * its own: the request (and its dataOut) goes straight to the delegate, and the caller gets the
 * delegate's own future, so the response's dataIn is owned exactly as before.
 */
final class ObservedExecutor implements ScsiTaskExecutor {

    private static final String CHECK_CONDITION = statusName(ScsiStatus.CHECK_CONDITION);

    private final ScsiTaskExecutor delegate;
    private final CommandObserver observer;

    ObservedExecutor(ScsiTaskExecutor delegate, CommandObserver observer) {
        this.delegate = delegate;
        this.observer = observer;
    }

    @Override
    public CompletableFuture<ScsiResponse> execute(ScsiRequest request) {
        long start = System.nanoTime();
        observer.started();
        CompletableFuture<ScsiResponse> result;
        try {
            result = delegate.execute(request);
        } catch (RuntimeException | Error e) {
            // The session answers CHECK CONDITION for a SCSI layer that throws: count it so.
            observer.finished(CHECK_CONDITION, System.nanoTime() - start);
            throw e;
        }
        // A side branch: the caller chains on the original future, not on this step.
        result.whenComplete((response, failure) -> observer.finished(
                // The contract says failures become CHECK CONDITION; count a broken promise as one.
                response != null ? statusName(response.status()) : CHECK_CONDITION,
                System.nanoTime() - start));
        return result;
    }

    /** How {@link CommandObserver} names a status: "good", "check_condition", ... */
    static String statusName(ScsiStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public long dataOutLength(ScsiRequest request) {
        return delegate.dataOutLength(request);
    }

    @Override
    public boolean lunExists(int lun) {
        return delegate.lunExists(lun);
    }

    @Override
    public void nexusAdded(Nexus nexus) {
        delegate.nexusAdded(nexus);
    }

    @Override
    public void nexusRemoved(Nexus nexus) {
        delegate.nexusRemoved(nexus);
    }

    @Override
    public CompletableFuture<Void> lunReset(int lun, Nexus by) {
        return delegate.lunReset(lun, by);
    }

    @Override
    public CompletableFuture<Void> targetReset(Nexus by) {
        return delegate.targetReset(by);
    }
}
