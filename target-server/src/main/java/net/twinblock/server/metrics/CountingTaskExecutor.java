package net.twinblock.server.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.iscsi.scsi.Nexus;
import net.twinblock.iscsi.scsi.ScsiRequest;
import net.twinblock.iscsi.scsi.ScsiResponse;
import net.twinblock.iscsi.scsi.ScsiStatus;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;

/**
 * Counts SCSI commands and their latency on the way through, so the node has IOPS and latency
 * metrics without the frontend knowing about metrics. Adds no ownership of its own: the
 * request (and its dataOut) goes straight to the delegate, and the caller gets the delegate's
 * own future, so the response's dataIn is owned exactly as before.
 */
public final class CountingTaskExecutor implements ScsiTaskExecutor {

    private final ScsiTaskExecutor delegate;
    private final Map<ScsiStatus, LongAdder> completed = new EnumMap<>(ScsiStatus.class);
    private final LongAdder inFlight = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();

    public CountingTaskExecutor(ScsiTaskExecutor delegate) {
        this.delegate = delegate;
        for (ScsiStatus s : ScsiStatus.values()) {
            completed.put(s, new LongAdder());
        }
    }

    @Override
    public CompletableFuture<ScsiResponse> execute(ScsiRequest request) {
        long start = System.nanoTime();
        inFlight.increment();
        CompletableFuture<ScsiResponse> result;
        try {
            result = delegate.execute(request);
        } catch (RuntimeException | Error e) {
            inFlight.decrement();
            throw e;
        }
        // A side branch: the caller chains on the original future, not on this counting step.
        result.whenComplete((response, failure) -> {
            inFlight.decrement();
            latency.record(System.nanoTime() - start);
            // The contract says failures become CHECK CONDITION; count a broken promise as one.
            completed.get(response != null ? response.status() : ScsiStatus.CHECK_CONDITION).increment();
        });
        return result;
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
    public void lunReset(int lun, Nexus by) {
        delegate.lunReset(lun, by);
    }

    @Override
    public void targetReset(Nexus by) {
        delegate.targetReset(by);
    }

    public long completed(ScsiStatus status) {
        return completed.get(status).sum();
    }

    public long completed() {
        long n = 0;
        for (LongAdder a : completed.values()) {
            n += a.sum();
        }
        return n;
    }

    public long inFlight() {
        return inFlight.sum();
    }

    public LatencyHistogram latency() {
        return latency;
    }
}
