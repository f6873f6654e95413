package net.twinblock.server.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.iscsi.CommandObserver;

/**
 * SCSI commands by final status, in flight, and their latency: the node's IOPS and latency
 * metrics, fed by the iSCSI target as each command passes.
 */
public final class CommandCounters implements CommandObserver {

    /** Filled once, then only read: safe to share between threads without a lock. */
    private final Map<String, LongAdder> completed = new LinkedHashMap<>();
    private final LongAdder inFlight = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();

    public CommandCounters() {
        for (String status : STATUSES) {
            completed.put(status, new LongAdder());
        }
    }

    @Override
    public void started() {
        inFlight.increment();
    }

    @Override
    public void finished(String status, long nanos) {
        inFlight.decrement();
        latency.record(nanos);
        completed.get(status).increment();
    }

    /** Commands that ended with {@code status}, one of {@link CommandObserver#STATUSES}. */
    public long completed(String status) {
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
