package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakGuard.class)
class GroupCommitTest {

    @Test
    void requestsDuringAForceShareTheNextOne() {
        ManualExecutor exec = new ManualExecutor();
        AtomicInteger forced = new AtomicInteger();
        GroupCommit commit = new GroupCommit(forced::incrementAndGet, exec, "t");

        CompletableFuture<Void> a = commit.request();
        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            later.add(commit.request());
        }
        exec.runOne();
        assertTrue(a.isDone() && !a.isCompletedExceptionally());
        assertTrue(later.stream().noneMatch(CompletableFuture::isDone));
        exec.runAll();
        assertTrue(later.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
        assertEquals(2, forced.get());
        assertEquals(2, commit.forces());
        assertEquals(101, commit.requests());
    }

    @Test
    void anIdleCommitForcesAtOnceForEachLoneRequest() {
        ManualExecutor exec = new ManualExecutor();
        GroupCommit commit = new GroupCommit(() -> { }, exec, "t");
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Void> f = commit.request();
            assertEquals(1, exec.queued());
            exec.runAll();
            assertTrue(f.isDone());
        }
        assertEquals(3, commit.forces());
    }

    @Test
    void aRequestFromACompletionCallbackIsServed() {
        ManualExecutor exec = new ManualExecutor();
        GroupCommit commit = new GroupCommit(() -> { }, exec, "t");
        CompletableFuture<CompletableFuture<Void>> chained = commit.request().thenApply(v -> commit.request());
        exec.runAll();
        assertTrue(chained.join().isDone(), "a flush issued while completing the previous one must not hang");
    }

    @Test
    void aFailedForceFailsItsBatchAndEveryLaterRequest() {
        ManualExecutor exec = new ManualExecutor();
        AtomicInteger calls = new AtomicInteger();
        GroupCommit commit = new GroupCommit(() -> {
            calls.incrementAndGet();
            throw new IOException("EIO");
        }, exec, "t");
        CompletableFuture<Void> a = commit.request();
        CompletableFuture<Void> b = commit.request();
        exec.runAll();
        assertTrue(a.isCompletedExceptionally());
        assertTrue(b.isCompletedExceptionally(), "waiting requests fail without another fdatasync");
        assertEquals(1, calls.get());
        CompletableFuture<Void> c = commit.request();
        assertTrue(c.isCompletedExceptionally());
        Throwable cause = c.handle((v, t) -> t).join();
        assertInstanceOf(VolumeException.class, cause);
        assertFalse(((VolumeException) cause).retryable());
        assertEquals(0, exec.queued());
    }

    @Test
    void anErrorInsideTheForceStillAnswersEveryWaiterAndLeavesTheCommitUsable() {
        ManualExecutor exec = new ManualExecutor();
        AtomicInteger calls = new AtomicInteger();
        GroupCommit commit = new GroupCommit(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Direct buffer memory");
            }
        }, exec, "t");
        CompletableFuture<Void> a = commit.request();
        CompletableFuture<Void> b = commit.request();
        org.junit.jupiter.api.Assertions.assertThrows(OutOfMemoryError.class, exec::runOne);
        assertTrue(a.isCompletedExceptionally());
        exec.runAll();
        assertTrue(b.isDone() && !b.isCompletedExceptionally(), "the next batch still gets its force");
        CompletableFuture<Void> c = commit.request();
        exec.runAll();
        assertTrue(c.isDone() && !c.isCompletedExceptionally());
    }
}
