package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The receiving end stops reading while its answers pile up unread, and reads again once they drain. */
class ReadWhileWritableTest {

    @Test
    void readingStopsAboveTheHighMarkAndResumesBelowTheLow() {
        EmbeddedChannel ch = new EmbeddedChannel(ReadWhileWritable.INSTANCE);
        ch.config().setWriteBufferWaterMark(ReadWhileWritable.WATER_MARK);
        int chunk = 1 << 20;
        for (int queued = 0; queued < ReadWhileWritable.WATER_MARK.high(); queued += chunk) {
            assertTrue(ch.config().isAutoRead(), "still reading with " + queued + " bytes unsent");
            ch.write(Unpooled.wrappedBuffer(new byte[chunk])); // not flushed: the peer reads nothing
        }
        ch.write(Unpooled.wrappedBuffer(new byte[chunk])); // past the high mark
        assertFalse(ch.isWritable());
        assertFalse(ch.config().isAutoRead(), "stopped reading the peer's frames");
        ch.flush(); // the peer took them
        assertTrue(ch.isWritable());
        assertTrue(ch.config().isAutoRead(), "reading again");
        ch.finishAndReleaseAll();
    }
}
