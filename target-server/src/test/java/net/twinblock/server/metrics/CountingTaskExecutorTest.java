package net.twinblock.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.scsi.Nexus;
import net.twinblock.iscsi.scsi.ScsiRequest;
import net.twinblock.iscsi.scsi.ScsiResponse;
import net.twinblock.iscsi.scsi.ScsiStatus;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;
import org.junit.jupiter.api.Test;

class CountingTaskExecutorTest {

    private final Deque<CompletableFuture<ScsiResponse>> pending = new ArrayDeque<>();
    private int resets;

    private final ScsiTaskExecutor delegate = new ScsiTaskExecutor() {
        @Override
        public CompletableFuture<ScsiResponse> execute(ScsiRequest request) {
            request.dataOut().release();
            CompletableFuture<ScsiResponse> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        @Override
        public boolean lunExists(int lun) {
            return lun == 0;
        }

        @Override
        public void nexusAdded(Nexus nexus) {
        }

        @Override
        public void nexusRemoved(Nexus nexus) {
        }

        @Override
        public void lunReset(int lun, Nexus by) {
            resets++;
        }

        @Override
        public void targetReset(Nexus by) {
            resets++;
        }
    };

    private static ScsiRequest request() {
        return new ScsiRequest(new Nexus("iqn.2026-11.test:host", 1, 1), 0, new byte[16], 0, false, false, null,
                null, null);
    }

    @Test
    void countsInFlightAndCompletedByStatusWithoutChangingTheFuture() {
        CountingTaskExecutor counting = new CountingTaskExecutor(delegate);
        CompletableFuture<ScsiResponse> first = counting.execute(request());
        counting.execute(request());
        assertSame(pending.peekFirst(), first, "the caller chains on the delegate's own future");
        assertEquals(2, counting.inFlight());
        assertEquals(0, counting.completed());

        pending.removeFirst().complete(ScsiResponse.good());
        pending.removeFirst().complete(new ScsiResponse(ScsiStatus.CHECK_CONDITION, new byte[18], null, 0, false,
                false));
        assertEquals(0, counting.inFlight());
        assertEquals(1, counting.completed(ScsiStatus.GOOD));
        assertEquals(1, counting.completed(ScsiStatus.CHECK_CONDITION));
        assertEquals(2, counting.latency().cumulative()[LatencyHistogram.bounds().length]);
    }

    @Test
    void aFutureThatBreaksTheContractCountsAsCheckCondition() {
        CountingTaskExecutor counting = new CountingTaskExecutor(delegate);
        counting.execute(request());
        pending.removeFirst().completeExceptionally(new IllegalStateException("bug"));
        assertEquals(1, counting.completed(ScsiStatus.CHECK_CONDITION));
        assertEquals(0, counting.inFlight());
    }

    @Test
    void taskManagementPassesThrough() {
        CountingTaskExecutor counting = new CountingTaskExecutor(delegate);
        Nexus n = new Nexus("iqn.2026-11.test:host", 1, 1);
        counting.lunReset(0, n);
        counting.targetReset(n);
        assertEquals(2, resets);
        assertEquals(true, counting.lunExists(0));
        assertEquals(false, counting.lunExists(1));
    }

    @Test
    void histogramBucketsAreCumulative() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(10_000);          // 10 µs: first bucket
        h.record(3_000_000);       // 3 ms: le=0.005
        h.record(60_000_000_000L); // a minute: only +Inf
        long[] c = h.cumulative();
        assertEquals(1, c[0]);
        assertEquals(2, c[6]);     // le=0.005
        assertEquals(2, c[c.length - 2]);
        assertEquals(3, c[c.length - 1]);
        assertEquals(60.00301, h.sumSeconds(), 1e-9);
    }
}
