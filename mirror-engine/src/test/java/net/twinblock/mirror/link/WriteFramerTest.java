package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakGuard.class)
class WriteFramerTest {

    private final WriteFramer framer = new WriteFramer(32 * 1024, 64 * 1024);

    @Test
    void aWriteUpToTheThresholdIsOneFrame() {
        ByteBuf data = Frames.direct(Frames.random(32 * 1024, 1));
        List<PeerMessage> frames = framer.frames(7, 4096, data, true);
        assertEquals(1, frames.size());
        SmallWrite w = assertInstanceOf(SmallWrite.class, frames.get(0));
        assertEquals(new FrameHeader(FrameType.WRITE.code(), FrameHeader.FLAG_FUA, 32 * 1024, 7, 4096), w.header());
        w.release();
        assertEquals(0, data.refCnt());
    }

    @Test
    void aLargerWriteIsBeginChunksEnd() {
        byte[] bytes = Frames.random(200 * 1024, 2);
        CompositeByteBuf data = Unpooled.compositeBuffer();
        data.addComponent(true, Frames.direct(java.util.Arrays.copyOf(bytes, 1000)));
        data.addComponent(true, Frames.direct(java.util.Arrays.copyOfRange(bytes, 1000, bytes.length)));
        List<PeerMessage> frames = framer.frames(9, 1L << 33, data, false);

        assertEquals(2 + 4, frames.size(), "200 KiB in 64 KiB chunks: 4 data frames");
        assertEquals(new WriteBegin(9), frames.get(0));
        int expectOffset = 0;
        ByteBuf joined = Unpooled.buffer();
        for (PeerMessage m : frames.subList(1, 5)) {
            WriteData d = assertInstanceOf(WriteData.class, m);
            assertEquals(9, d.transferId());
            assertEquals(expectOffset, d.transferOffset());
            expectOffset += d.data().readableBytes();
            joined.writeBytes(d.data(), d.data().readerIndex(), d.data().readableBytes());
        }
        assertEquals(new WriteEnd(9, 1L << 33, 200 * 1024, false), frames.get(5));
        assertArrayEquals(bytes, ByteBufUtil.getBytes(joined));
        joined.release();

        frames.forEach(ReferenceCountUtil::release);
        assertEquals(0, data.refCnt(), "the last chunk released frees the caller's buffer");
    }

    @Test
    void aZeroThresholdSendsEveryWriteTheLargeWay() {
        List<PeerMessage> frames = new WriteFramer(0, 4096).frames(1, 0, Unpooled.wrappedBuffer(new byte[512]), false);
        assertEquals(3, frames.size());
        frames.forEach(ReferenceCountUtil::release);
    }

    @Test
    void refusesNonsenseAndReleasesTheData() {
        ByteBuf empty = Unpooled.directBuffer(8);
        assertThrows(IllegalArgumentException.class, () -> framer.frames(1, 0, empty, false));
        assertEquals(0, empty.refCnt());
        assertThrows(IllegalArgumentException.class, () -> new WriteFramer(FrameHeader.MAX_PAYLOAD + 1, 4096));
        assertThrows(IllegalArgumentException.class, () -> new WriteFramer(4096, 0));
    }
}
