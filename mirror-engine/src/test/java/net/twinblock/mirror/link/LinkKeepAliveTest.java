package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Heartbeats on the embedded loop's virtual clock: sent when the link is quiet, not when it is busy. */
class LinkKeepAliveTest {

    private static final long PERIOD_MS = 1000;

    private static EmbeddedChannel link() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new LinkKeepAlive(Duration.ofMillis(PERIOD_MS)));
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
}
