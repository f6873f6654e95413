package net.twinblock.mirror.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client's calls in flight on one connection, on an EmbeddedChannel whose clock the test moves. */
class PendingCallsTest {

    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(1);
    private static final long MARGIN = 7;

    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final PendingCalls calls = new PendingCalls(ch, "witness:1", TIMEOUT, MARGIN);

    {
        ch.freezeTime();
        ch.pipeline().addLast(calls);
    }

    private CompletableFuture<WitnessAnswer> send(int id) {
        CompletableFuture<WitnessAnswer> f = calls.send(new PairRequest(WitnessFrameType.RENEW_LEASE, id, "p", "a", 1));
        assertEquals(id, ((PairRequest) ch.readOutbound()).requestId());
        return f;
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertTrue(f.isCompletedExceptionally());
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void repliesCompleteTheirOwnCallsInAnyOrder() {
        CompletableFuture<WitnessAnswer> one = send(1);
        CompletableFuture<WitnessAnswer> two = send(2);
        long sentAbout = System.nanoTime();
        ch.writeInbound(new PairReply(2, Verdict.LEASE_HELD, 4, "b", PeerState.UP_TO_DATE, 0, 99));
        ch.writeInbound(new PairReply(1, Verdict.GRANTED, 4, "a", PeerState.UP_TO_DATE, 1000, 1000));
        WitnessAnswer granted = one.join();
        assertEquals(Verdict.GRANTED, granted.verdict());
        assertEquals(1000 - MARGIN, granted.lease().validUntilNanos() - granted.lease().sentNanos());
        assertTrue(sentAbout - granted.lease().sentNanos() >= 0, "counted from the send");
        assertEquals(Verdict.LEASE_HELD, two.join().verdict());
        assertEquals(99, two.join().leaseRemainingNanos());
        assertNull(two.join().lease());
    }

    @Test
    void aCallWithoutAnswerTimesOutAndDropsTheConnection() {
        CompletableFuture<WitnessAnswer> f = send(1);
        ch.advanceTimeBy(TIMEOUT - 1, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(f.isDone());
        ch.advanceTimeBy(1, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        WitnessTimeoutException e = assertInstanceOf(WitnessTimeoutException.class, failure(f));
        assertEquals("no answer from the witness witness:1 to RENEW_LEASE for pair p within 1000 ms", e.getMessage());
        assertFalse(ch.isOpen());
    }

    @Test
    void aLostConnectionFailsEveryWaitingCall() {
        CompletableFuture<WitnessAnswer> one = send(1);
        CompletableFuture<WitnessAnswer> two = send(2);
        ch.close();
        assertInstanceOf(WitnessUnavailableException.class, failure(one));
        assertEquals("connection to the witness witness:1 lost before it answered", failure(two).getMessage());
        CompletableFuture<WitnessAnswer> late = calls.send(new PairRequest(WitnessFrameType.QUERY, 3, "p", "", 0));
        ch.runPendingTasks();
        assertInstanceOf(WitnessUnavailableException.class, failure(late));
    }

    @Test
    void aReplyToNoWaitingCallIsAProtocolError() {
        ch.writeInbound(new PairReply(9, Verdict.GRANTED, 1, "a", PeerState.UP_TO_DATE, 0, 0));
        WitnessError e = ch.readOutbound();
        assertEquals(WitnessErrorCode.PROTOCOL_ERROR, e.code());
        assertFalse(ch.isOpen());
    }
}
