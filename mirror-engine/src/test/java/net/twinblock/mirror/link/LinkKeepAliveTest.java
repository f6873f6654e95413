package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats on the embedded loop's virtual clock: sent one period after the last frame, not when
 * the link is busy; the link ends after three periods without a byte from the peer.
 */
class LinkKeepAliveTest {

    private static final long PERIOD_MS = 1000;

    private static EmbeddedChannel link() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new LinkKeepAlive(Duration.ofMillis(PERIOD_MS)));
        return ch;
    }

    /** As the links are built: the keep-alive after the frame decoder. */
    private static EmbeddedChannel decodingLink(PeerSilence silence) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new PeerFrameDecoder()).addLast(new LinkKeepAlive(Duration.ofMillis(PERIOD_MS), silence));
        return ch;
    }

    private static void elapse(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void aQuietLinkSendsAHeartbeatEveryPeriod() {
        EmbeddedChannel ch = link();
        for (int i = 0; i < 3; i++) {
            elapse(ch, PERIOD_MS);
            ch.writeInbound(new Heartbeat(i, 0)); // the peer is alive too
            assertInstanceOf(Heartbeat.class, ch.readOutbound(), "heartbeat " + i);
            assertNull(ch.readOutbound());
        }
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void aLinkBusyWithFramesSendsNoHeartbeat() {
        EmbeddedChannel ch = link();
        for (int i = 0; i < 8; i++) {
            ch.writeOneOutbound(new WriteAck(i, AckStatus.OK));
            ch.flushOutbound();
            ch.writeInbound(new Heartbeat(i, 0));
            elapse(ch, PERIOD_MS / 2);
        }
        for (int i = 0; i < 8; i++) {
            assertInstanceOf(WriteAck.class, ch.readOutbound());
        }
        assertNull(ch.readOutbound(), "frames went out every half period: no heartbeat needed");
        ch.finishAndReleaseAll();
    }

    @Test
    void aPeerSilentForThreePeriodsIsTakenDown() {
        EmbeddedChannel ch = link();
        elapse(ch, PERIOD_MS * LinkKeepAlive.MISSED - 1);
        assertTrue(ch.isOpen());
        elapse(ch, 1);
        assertFalse(ch.isOpen(), "nothing arrived for " + LinkKeepAlive.MISSED + " periods");
        ch.finishAndReleaseAll();
    }

    @Test
    void aFrameJustAfterACheckIsFollowedByAHeartbeatWithinOnePeriod() {
        EmbeddedChannel ch = link();
        elapse(ch, PERIOD_MS);
        assertInstanceOf(Heartbeat.class, ch.readOutbound());
        elapse(ch, 1);
        ch.writeOneOutbound(new WriteAck(1, AckStatus.OK));
        ch.flushOutbound();
        assertInstanceOf(WriteAck.class, ch.readOutbound());
        elapse(ch, PERIOD_MS - 1);
        assertNull(ch.readOutbound(), "less than a period since the ack");
        elapse(ch, 1);
        // A check that only asked "flushed since the last check?" waited another period here: two
        // periods of silence, a third of a period short of the peer's limit on a late loop.
        assertInstanceOf(Heartbeat.class, ch.readOutbound(), "one period after the last frame");
        ch.finishAndReleaseAll();
    }

    @Test
    void aLinkDeliveringOneLargeFrameForLongerThanThreePeriodsStaysUp() {
        PeerSilence silence = new PeerSilence();
        EmbeddedChannel ch = decodingLink(silence);
        int size = PeerFrameDecoder.DEFAULT_MAX_PAYLOAD;
        ByteBuf frame = Frames.encode(new WriteData(7, 0, Unpooled.wrappedBuffer(new byte[size])));
        int chunks = 2 * (LinkKeepAlive.MISSED + 1); // one every half period: four periods for the frame
        int chunk = frame.readableBytes() / chunks + 1;
        while (frame.isReadable()) {
            elapse(ch, PERIOD_MS / 2);
            assertTrue(ch.isOpen(), "bytes arrive every half period");
            ch.writeInbound(frame.readRetainedSlice(Math.min(chunk, frame.readableBytes())));
        }
        frame.release();
        WriteData whole = ch.readInbound();
        assertEquals(size, whole.data().readableBytes(), "the frame, whole, after four periods");
        whole.data().release();
        assertTrue(ch.isOpen());
        assertEquals(PERIOD_MS / 2, silence.longestMillis(), "the peer was never quiet for longer than half a period");
        ch.finishAndReleaseAll();
    }

    @Test
    void theLongestSilenceOfThePeerIsRecorded() {
        PeerSilence silence = new PeerSilence();
        EmbeddedChannel ch = decodingLink(silence);
        elapse(ch, PERIOD_MS * 5 / 2);
        ByteBuf hb = Frames.encode(new Heartbeat(1, 0));
        ch.writeInbound(hb);
        assertInstanceOf(Heartbeat.class, ch.readInbound());
        assertEquals(PERIOD_MS * 5 / 2, silence.longestMillis());
        elapse(ch, PERIOD_MS * LinkKeepAlive.MISSED);
        assertFalse(ch.isOpen(), "nothing more arrived");
        assertEquals(PERIOD_MS * LinkKeepAlive.MISSED, silence.longestMillis());
        ch.finishAndReleaseAll();
    }
}
