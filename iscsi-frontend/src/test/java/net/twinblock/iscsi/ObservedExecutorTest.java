package net.twinblock.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.scsi.Nexus;
import net.twinblock.iscsi.scsi.ScsiRequest;
import net.twinblock.iscsi.scsi.ScsiResponse;
import net.twinblock.iscsi.scsi.ScsiStatus;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;
import org.junit.jupiter.api.Test;

class ObservedExecutorTest {

    private final Deque<CompletableFuture<ScsiResponse>> pending = new ArrayDeque<>();
    private int resets;
    private int started;
    private final List<String> finished = new ArrayList<>();

    private final CommandObserver observer = new CommandObserver() {
        @Override
        public void started() {
            started++;
        }

        @Override
        public void finished(String status, long nanos) {
            assertTrue(nanos >= 0);
            finished.add(status);
        }
    };

    private final ScsiTaskExecutor delegate = new ScsiTaskExecutor() {
        @Override
        public CompletableFuture<ScsiResponse> execute(ScsiRequest request) {
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
        public CompletableFuture<Void> lunReset(int lun, Nexus by) {
            resets++;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> targetReset(Nexus by) {
            resets++;
            return CompletableFuture.completedFuture(null);
        }
    };

    private static ScsiRequest request() {
        return new ScsiRequest(new Nexus("iqn.2026-11.test:host", 1, 1), 0, new byte[16], 0, false, false, null,
                null, null);
    }

    @Test
    void reportsEachCommandByStatusWithoutChangingTheFuture() {
        ObservedExecutor observed = new ObservedExecutor(delegate, observer);
        CompletableFuture<ScsiResponse> first = observed.execute(request());
        observed.execute(request());
        assertSame(pending.peekFirst(), first, "the caller chains on the delegate's own future");
        assertEquals(2, started);
        assertEquals(List.of(), finished);

        pending.removeFirst().complete(ScsiResponse.good());
        pending.removeFirst().complete(new ScsiResponse(ScsiStatus.CHECK_CONDITION, new byte[18], null, 0, false,
                false));
        assertEquals(List.of("good", "check_condition"), finished);
    }

    @Test
    void aFutureThatBreaksTheContractCountsAsCheckCondition() {
        ObservedExecutor observed = new ObservedExecutor(delegate, observer);
        observed.execute(request());
        pending.removeFirst().completeExceptionally(new IllegalStateException("bug"));
        assertEquals(List.of("check_condition"), finished);
    }

    @Test
    void taskManagementPassesThrough() {
        ObservedExecutor observed = new ObservedExecutor(delegate, observer);
        Nexus n = new Nexus("iqn.2026-11.test:host", 1, 1);
        observed.lunReset(0, n);
        observed.targetReset(n);
        assertEquals(2, resets);
        assertEquals(true, observed.lunExists(0));
        assertEquals(false, observed.lunExists(1));
    }

    @Test
    void statusNamesCoverEveryScsiStatus() {
        assertEquals(ScsiStatus.values().length, CommandObserver.STATUSES.size());
        assertEquals("good", CommandObserver.STATUSES.get(0));
        assertTrue(CommandObserver.STATUSES.contains("task_aborted"));
    }
}
