package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.Flush;
import net.twinblock.mirror.link.PeerMessage;
import net.twinblock.mirror.link.SmallWrite;
import net.twinblock.mirror.link.SyncState;
import net.twinblock.mirror.link.WriteBegin;
import net.twinblock.mirror.link.WriteFramer;
import net.twinblock.mirror.store.VolumeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import net.twinblock.mirror.resync.DivergenceTracker;

/** The pending table on its own: sequence matching, failures, re-sending, policies (EmbeddedChannel as the link). */
@ExtendWith(LeakGuard.class)
class ReplicatorTest {

    private static final Executor SAME_THREAD = Runnable::run;

    @TempDir
    Path dir;

    private final DivergenceTracker tracker = DivergenceTracker.fullResync();

    private Replicator replicator(EmbeddedChannel timer, OnPeerLoss policy) {
        PairMetadata meta = PairMetadata.open(dir.resolve("v.img.meta"), true, SAME_THREAD);
        return new Replicator(new WriteFramer(4096, 4096),
                new PeerLossPolicy(policy, Duration.ofSeconds(30)), tracker, meta, timer.eventLoop());
    }

    private static ByteBuf bytes(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return Unpooled.directBuffer(n).writeBytes(b);
    }

    /** Drains what the replicator wrote on the link, releasing it; returns the messages. */
    private static List<PeerMessage> sent(EmbeddedChannel ch) {
        List<PeerMessage> out = new ArrayList<>();
        ch.runPendingTasks(); // the link's outbox flushes once per event-loop turn
        Object m;
        while ((m = ch.readOutbound()) != null) {
            out.add((PeerMessage) m);
            ReferenceCountUtil.release(m);
        }
        return out;
    }

    private static int sequence(PeerMessage m) {
        if (m instanceof SmallWrite w) {
            return w.sequence();
        }
        if (m instanceof WriteBegin b) {
            return b.transferId();
        }
        return ((Flush) m).sequence();
    }

    @Test
    void acknowledgementsInAnyOrderCompleteExactlyTheirOwnWrite() {
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.SUSPEND);
        assertFalse(r.linkUp(link, () -> false));
        assertInstanceOf(SyncState.class, sent(link).get(0));

        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            writes.add(r.write(i * 4096L, bytes(4096, i), false, false));
        }
        List<PeerMessage> frames = sent(link);
        assertEquals(3, frames.size());
        int first = sequence(frames.get(0));
        int second = sequence(frames.get(1));
        int third = sequence(frames.get(2));

        r.acked(third, AckStatus.OK);
        assertTrue(writes.get(2).isDone());
        assertFalse(writes.get(0).isDone() || writes.get(1).isDone());
        r.acked(first, AckStatus.OK);
        assertTrue(writes.get(0).isDone());
        assertFalse(writes.get(1).isDone());
        r.acked(first, AckStatus.OK); // a duplicate changes nothing
        r.acked(12345, AckStatus.OK); // nor an unknown one
        r.acked(second, AckStatus.OK);
        assertTrue(writes.get(1).isDone());
        assertEquals(0, r.pending());
        assertFalse(tracker.anyChanged());
        link.finishAndReleaseAll();
    }

    /**
     * A primary whose disk is detached has no copy but the secondary's: its ops never complete
     * alone, not even under CONTINUE (which completes an ordinary write without a link), and not
     * while the secondary is being rebuilt.
     */
    @Test
    void peerOnlyOpsCompleteOnlyOnAnInSyncSecondary() throws Exception {
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.CONTINUE);
        ByteBuf early = bytes(512, 1);
        VolumeException noLink = assertFails(r.peerOnly(Replicator.Kind.WRITE, 0, 512, true, early));
        assertTrue(noLink.retryable(), noLink::getMessage);
        assertEquals(0, early.refCnt(), "a refused op's data is released");
        assertFalse(tracker.anyChanged(), "nothing was written anywhere");

        assertTrue(r.linkUp(link, () -> true), "a full copy is to run");
        sent(link);
        assertTrue(assertFails(r.peerOnly(Replicator.Kind.FLUSH, 0, 0, false, null)).retryable(),
                "a secondary being rebuilt is no copy to rely on");
        r.copyDone(link);
        sent(link);

        CompletableFuture<Void> w = r.peerOnly(Replicator.Kind.WRITE, 4096, 512, true, bytes(512, 2));
        List<PeerMessage> frames = sent(link);
        assertEquals(1, frames.size());
        assertTrue(((SmallWrite) frames.get(0)).fua(), "the secondary makes it durable before answering");
        assertFalse(w.isDone(), "only the secondary's answer completes it");
        r.acked(sequence(frames.get(0)), AckStatus.OK);
        w.get();

        CompletableFuture<Void> lost = r.peerOnly(Replicator.Kind.WRITE, 8192, 512, false, bytes(512, 3));
        sent(link);
        r.linkDown(link);
        assertTrue(assertFails(lost).retryable(), "a lost link fails it; under CONTINUE it is not degraded");
        assertEquals(0, r.degraded.sum());
        link.finishAndReleaseAll();
    }

    private static VolumeException assertFails(CompletableFuture<Void> f) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
        return assertInstanceOf(VolumeException.class, e.getCause());
    }

    @Test
    void aWriteTheSecondaryFailedFailsAndIsMarkedChanged() {
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.SUSPEND);
        r.linkUp(link, () -> false);
        sent(link);
        CompletableFuture<Void> w = r.write(8192, bytes(512, 1), false, false);
        int seq = sequence(sent(link).get(0));
        r.acked(seq, AckStatus.IO_ERROR);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, w::get);
        VolumeException v = assertInstanceOf(VolumeException.class, e.getCause());
        assertFalse(v.retryable());
        assertTrue(tracker.anyChanged(), "the primary has data the secondary does not");
        link.finishAndReleaseAll();
    }

    @Test
    void underSuspendUnacknowledgedOpsAreResentInOrderOnTheNextLink() {
        EmbeddedChannel first = new EmbeddedChannel();
        Replicator r = replicator(first, OnPeerLoss.SUSPEND);
        r.linkUp(first, () -> false);
        sent(first);
        CompletableFuture<Void> a = r.write(0, bytes(512, 1), false, false);
        CompletableFuture<Void> big = r.write(4096, bytes(8192, 2), true, false); // large: BEGIN, DATA x2, END
        CompletableFuture<Void> f = r.flush();
        sent(first);
        r.linkDown(first);
        assertFalse(a.isDone() || big.isDone() || f.isDone(), "held, not failed");

        EmbeddedChannel second = new EmbeddedChannel();
        r.linkUp(second, () -> false);
        List<PeerMessage> resent = sent(second);
        assertInstanceOf(SyncState.class, resent.get(0), "the secondary hears the sync state first");
        assertInstanceOf(SmallWrite.class, resent.get(1));
        assertInstanceOf(WriteBegin.class, resent.get(2));
        assertInstanceOf(Flush.class, resent.get(resent.size() - 1));
        r.acked(sequence(resent.get(1)), AckStatus.OK);
        r.acked(sequence(resent.get(2)), AckStatus.OK);
        r.acked(sequence(resent.get(resent.size() - 1)), AckStatus.OK);
        assertTrue(a.isDone() && big.isDone() && f.isDone());
        assertNull(a.join());
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void underContinueInFlightOpsCompleteWhenTheLinkDropsAndAreMarked() {
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.CONTINUE);
        r.linkUp(link, () -> false);
        sent(link);
        CompletableFuture<Void> w = r.write(0, bytes(512, 1), false, false);
        sent(link);
        r.linkDown(link);
        assertTrue(w.isDone() && !w.isCompletedExceptionally());
        assertTrue(tracker.anyChanged());
        assertEquals(PairState.DEGRADED, r.state());
        assertTrue(r.linkUp(new EmbeddedChannel(), () -> tracker.anyChanged()), "the next link needs a copy");
        link.finishAndReleaseAll();
    }

    @Test
    void underSuspendAnOpNotAcknowledgedByTheTimeoutFailsRetryableAndIsMarked() {
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.SUSPEND);
        r.linkUp(link, () -> false);
        sent(link);
        CompletableFuture<Void> w = r.write(0, bytes(512, 1), false, false);
        CompletableFuture<Void> f = r.flush();
        sent(link);
        r.linkDown(link);
        link.advanceTimeBy(29, java.util.concurrent.TimeUnit.SECONDS);
        link.runScheduledPendingTasks();
        assertFalse(w.isDone(), "still held within the timeout");
        link.advanceTimeBy(2, java.util.concurrent.TimeUnit.SECONDS);
        link.runScheduledPendingTasks();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, w::get);
        assertTrue(assertInstanceOf(VolumeException.class, e.getCause()).retryable());
        assertTrue(f.isCompletedExceptionally());
        assertTrue(tracker.anyChanged(), "the write reached the primary's disk, not the secondary's");
        assertEquals(0, r.pending());
        assertEquals(2, r.failed.sum(), "mirror.writes_failed: the write and the flush, once each");
        link.finishAndReleaseAll();
    }

    /**
     * Once SUSPEND gave up, the secondary has been gone longer than the timeout: a later write
     * fails at once (same retryable error) instead of hanging the host another 30 s, until a link
     * is back and SUSPEND holds for the whole timeout again.
     */
    @Test
    void afterSuspendGaveUpLaterWritesFailAtOnceUntilTheLinkIsBack() {
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.SUSPEND);
        r.linkUp(link, () -> false);
        sent(link);
        r.linkDown(link);
        CompletableFuture<Void> first = r.ready();
        link.advanceTimeBy(31, java.util.concurrent.TimeUnit.SECONDS);
        link.runScheduledPendingTasks();
        assertTrue(first.isCompletedExceptionally(), "held for the timeout, then failed");

        CompletableFuture<Void> later = r.ready();
        link.runScheduledPendingTasks();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, later::get);
        assertTrue(assertInstanceOf(VolumeException.class, e.getCause()).retryable());
        assertTrue(e.getCause().getMessage().contains("fail at once"), e.getCause().getMessage());

        r.linkUp(link, () -> false);
        sent(link);
        r.linkDown(link);
        CompletableFuture<Void> afterALink = r.ready();
        link.advanceTimeBy(29, java.util.concurrent.TimeUnit.SECONDS);
        link.runScheduledPendingTasks();
        assertFalse(afterALink.isDone(), "a link came back in between: held for the whole timeout again");
        link.finishAndReleaseAll();
    }

    /**
     * A write that reaches the link admission after the node began closing (its record hook
     * finished late) fails at once, retryable: it must not wait out the suspend timeout for a
     * link this replicator will never have.
     */
    @Test
    void aWriteAdmittedAfterCloseFailsAtOnceNotAtTheSuspendTimeout() {
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.SUSPEND);
        r.linkUp(link, () -> false);
        sent(link);
        r.linkDown(link);
        CompletableFuture<Void> held = r.ready();
        r.close();
        assertTrue(held.isCompletedExceptionally(), "close fails what was held");
        CompletableFuture<Void> late = r.ready();
        assertTrue(late.isCompletedExceptionally(), "failed when asked, not held");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, late::get);
        assertTrue(assertInstanceOf(VolumeException.class, e.getCause()).retryable());
        assertTrue(e.getCause().getMessage().contains("closing"), e.getCause().getMessage());
        link.finishAndReleaseAll();
    }

    /**
     * A resync's FLUSH vouches for writes one secondary process acknowledged: it fails when their
     * link is gone, even under CONTINUE (where a host's flush completes without a link), and is
     * never sent on a newer link.
     */
    @Test
    void aResyncFlushOnlyEverSucceedsOnItsOwnLink() {
        EmbeddedChannel first = new EmbeddedChannel();
        Replicator r = replicator(first, OnPeerLoss.CONTINUE);
        r.linkUp(first, () -> true);
        sent(first);
        CompletableFuture<Void> copy = r.copyWrite(first, 0, bytes(4096, 1));
        List<PeerMessage> frames = sent(first);
        assertEquals(1, frames.size());
        assertFalse(assertInstanceOf(SmallWrite.class, frames.get(0)).fua(), "durable by the flush, not FUA");
        r.acked(sequence(frames.get(0)), AckStatus.OK);
        assertTrue(copy.isDone() && !copy.isCompletedExceptionally());
        CompletableFuture<Void> durable = r.copyFlush(first);
        int flush = sequence(sent(first).get(0));
        r.acked(flush, AckStatus.OK);
        assertTrue(durable.isDone() && !durable.isCompletedExceptionally());

        CompletableFuture<Void> lost = r.copyFlush(first);
        sent(first);
        r.linkDown(first);
        assertTrue(lost.isCompletedExceptionally(), "a flush in flight fails with its link");
        CompletableFuture<Void> hostFlush = r.flush();
        assertTrue(hostFlush.isDone() && !hostFlush.isCompletedExceptionally(), "a host flush degrades");
        assertTrue(r.copyFlush(first).isCompletedExceptionally(), "no link: nothing to vouch for");

        EmbeddedChannel second = new EmbeddedChannel();
        r.linkUp(second, () -> true);
        sent(second);
        assertTrue(r.copyFlush(first).isCompletedExceptionally(), "not on another link");
        assertTrue(r.copyWrite(first, 0, bytes(4096, 2)).isCompletedExceptionally());
        assertTrue(sent(second).isEmpty(), "nothing of the old link's resync goes out on the new one");
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void aCopyOpFailsAtOnceWhenTheLinkDropsEvenUnderSuspend() {
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.SUSPEND);
        r.linkUp(link, () -> true);
        sent(link);
        CompletableFuture<Void> chunk = r.write(0, bytes(4096, 1), false, true);
        sent(link);
        r.linkDown(link);
        assertTrue(chunk.isCompletedExceptionally(), "the next link starts the copy over");
        assertFalse(tracker.anyChanged());
        link.finishAndReleaseAll();
    }

    /** A tracker that remembers each range it is told about. */
    private static final class RecordingTracker implements DivergenceTracker {
        final List<long[]> marked = new ArrayList<>();

        @Override
        public void markChanged(long offset, long length) {
            marked.add(new long[] {offset, length});
        }

        @Override
        public boolean anyChanged() {
            return !marked.isEmpty();
        }

        @Override
        public void clear() {
            marked.clear();
        }
    }

    private Replicator replicator(EmbeddedChannel timer, OnPeerLoss policy, DivergenceTracker t, PairMetadata meta) {
        return new Replicator(new WriteFramer(4096, 4096),
                new PeerLossPolicy(policy, Duration.ofSeconds(30)), t, meta, timer.eventLoop());
    }

    /**
     * Power cuts: what the secondary acknowledged and no FLUSH_ACK covered may be only in its page
     * cache. Under CONTINUE the primary's flushes without it let the record forget those writes,
     * so the lost link puts exactly them on the tracker; a flush without a secondary then succeeds
     * once the metadata durably says "not clean".
     */
    @Test
    void underContinueALostLinkMarksWhatTheSecondaryAcknowledgedWithoutAFlush() throws Exception {
        RecordingTracker t = new RecordingTracker();
        PairMetadata meta = PairMetadata.open(dir.resolve("v.img.meta"), true, SAME_THREAD);
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.CONTINUE, t, meta);
        r.linkUp(link, () -> false);
        sent(link);

        CompletableFuture<Void> flushed = r.write(0, bytes(512, 1), false, false);
        r.acked(sequence(sent(link).get(0)), AckStatus.OK);
        CompletableFuture<Void> flush = r.flush();
        r.acked(sequence(sent(link).get(0)), AckStatus.OK);
        flush.get();
        CompletableFuture<Void> unflushed = r.write(1 << 20, bytes(1024, 2), false, false);
        r.acked(sequence(sent(link).get(0)), AckStatus.OK);
        CompletableFuture.allOf(flushed, unflushed).get();

        r.linkDown(link);
        assertEquals(1, t.marked.size(), "only the write no flush covered");
        assertEquals(List.of(1L << 20, 1024L), List.of(t.marked.get(0)[0], t.marked.get(0)[1]));
        r.flush().get();
        assertFalse(meta.get().clean(), "durably not clean before a flush without the secondary succeeds");
        link.finishAndReleaseAll();
    }

    /** Under SUSPEND flushes wait for a secondary, so the record keeps those writes: nothing is marked. */
    @Test
    void underSuspendALostLinkMarksNothing() throws Exception {
        RecordingTracker t = new RecordingTracker();
        EmbeddedChannel link = new EmbeddedChannel();
        Replicator r = replicator(link, OnPeerLoss.SUSPEND, t,
                PairMetadata.open(dir.resolve("v.img.meta"), true, SAME_THREAD));
        r.linkUp(link, () -> false);
        sent(link);
        CompletableFuture<Void> w = r.write(0, bytes(512, 1), false, false);
        r.acked(sequence(sent(link).get(0)), AckStatus.OK);
        w.get();
        r.linkDown(link);
        assertTrue(t.marked.isEmpty());
        r.close();
        link.finishAndReleaseAll();
    }
}
