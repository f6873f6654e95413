package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the decoder does with frames a broken or hostile peer might send: refuse and close, never hang or leak. */
@ExtendWith(LeakGuard.class)
class PeerFrameDecoderTest {

    private static ByteBuf header(int opcode, int flags, int length, int seq, long arg) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(opcode << 24 | flags << 20 | length);
        b.writeInt(seq);
        b.writeLong(arg);
        return b;
    }

    /** Feeds the bytes, expects a PeerFrameException naming {@code reason} and a closed channel. */
    private static void assertRefused(ByteBuf bytes, String reason) {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder(65536));
        PeerFrameException e = assertThrows(PeerFrameException.class, () -> ch.writeInbound(bytes));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(ch.isOpen(), "a malformed frame closes the link");
        assertNull(ch.readInbound());
        assertEquals(0, bytes.refCnt());
        ch.finishAndReleaseAll();
    }

    @Test
    void unknownOpcodeIsRefused() {
        assertRefused(header(0x7e, 0, 0, 1, 0), "unknown opcode 0x7e");
    }

    @Test
    void aStreamOfZerosIsRefusedAtTheFirstHeader() {
        assertRefused(Unpooled.buffer().writeZero(64), "unknown opcode 0x0");
    }

    @Test
    void flagsTheOpcodeDoesNotTakeAreRefused() {
        assertRefused(header(FrameType.WRITE_ACK.code(), FrameHeader.FLAG_FUA, 0, 1, 0), "does not take flags");
        assertRefused(header(FrameType.WRITE.code(), 0x2, 512, 1, 0).writeZero(512), "does not take flags");
    }

    @Test
    void anOversizedPayloadClosesTheLinkBeforeAnyOfItArrives() {
        // Only the header: the decoder must not wait for 300 KiB it will refuse anyway.
        assertRefused(header(FrameType.WRITE.code(), 0, 300 * 1024, 1, 0), "outside 1..65536");
        assertRefused(header(FrameType.WRITE_DATA.code(), 0, 65537, 1, 0), "outside 1..65536");
    }

    @Test
    void payloadLengthsTheOpcodeCannotHaveAreRefused() {
        assertRefused(header(FrameType.HEARTBEAT.code(), 0, 8, 1, 0).writeZero(8), "HEARTBEAT payload of 8");
        assertRefused(header(FrameType.WRITE.code(), 0, 0, 1, 0), "WRITE payload of 0");
        assertRefused(header(FrameType.WRITE_END.code(), 0, 0, 1, 0), "WRITE_END payload of 0");
        assertRefused(header(FrameType.HELLO_PROOF.code(), 0, 31, 0, 0).writeZero(31), "HELLO_PROOF payload of 31");
        assertRefused(header(FrameType.HELLO_ACK.code(), 0, 34, 0, 0).writeZero(34), "HELLO_ACK payload of 34");
    }

    @Test
    void badArgumentsAreRefused() {
        assertRefused(header(FrameType.WRITE.code(), 0, 512, 1, -512).writeZero(512), "negative volume offset");
        assertRefused(header(FrameType.WRITE_ACK.code(), 0, 0, 1, 99), "unknown status 99");
        assertRefused(header(FrameType.ERROR.code(), 0, 0, 0, 0), "unknown error code 0");
        assertRefused(header(FrameType.WRITE_DATA.code(), 0, 512, 1, 1L << 32).writeZero(512), "out of range");
        assertRefused(header(FrameType.WRITE_END.code(), 0, 4, 1, 0).writeInt(-1), "large write of -1");
        assertRefused(header(FrameType.WRITE_BEGIN.code(), 0, 0, 1, 5), "reserved argument");
    }

    @Test
    void anIdentityWhoseStringLengthsDoNotAddUpIsRefused() {
        ByteBuf good = Frames.encode(new HelloIdentity(new PeerIdentity("a", "v", 4096, 512, 0), null));
        good.setByte(FrameHeader.LENGTH, 9); // node id claims 9 bytes, the payload has 1
        assertRefused(good, "does not match its string lengths");
    }

    @Test
    void anIdentityWithBrokenUtf8IsRefused() {
        ByteBuf good = Frames.encode(new HelloProof(new byte[32], new PeerIdentity("a", "v", 4096, 512, 0), null));
        good.setByte(good.writerIndex() - 3, 0xff); // the volume id's last byte, before the u16 volume list
        assertRefused(good, "volume id is not valid UTF-8");
    }

    @Test
    void aHelloOfThisVersionIsExactlyVersionAndNonce() {
        ByteBuf longer = header(FrameType.HELLO.code(), 0, 40, 0, 0).writeShort(Hello.VERSION).writeZero(38);
        assertRefused(longer, "HELLO of version 3 is 34 bytes, not 40");
    }

    @Test
    void framesBeforeABadOneAreDeliveredAndBytesAfterItDropped() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        ByteBuf wire = Unpooled.compositeBuffer()
                .addComponent(true, Frames.encode(new Heartbeat(1, 5)))
                .addComponent(true, header(0x7f, 0, 0, 0, 0))
                .addComponent(true, Frames.encode(new Heartbeat(2, 6)));
        assertThrows(PeerFrameException.class, () -> ch.writeInbound(wire));
        Heartbeat first = ch.readInbound();
        assertEquals(1, first.sequence());
        assertNull(ch.readInbound(), "nothing after the bad frame is trusted");
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void aTruncatedFrameWaitsAndALaterBadOneIsStillCaught() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        ByteBuf whole = Frames.encode(new SmallWrite(1, 0, false, Unpooled.wrappedBuffer(new byte[4096])));
        ch.writeInbound(whole.readRetainedSlice(100));
        assertNull(ch.readInbound(), "half a frame is not a frame");
        assertTrue(ch.isOpen());
        ch.writeInbound(whole);
        SmallWrite w = ch.readInbound();
        assertEquals(4096, w.data().readableBytes());
        w.release();
        assertThrows(PeerFrameException.class, () -> ch.writeInbound(header(0x99, 0, 0, 0, 0)));
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void aPayloadSpanningTwoReadsIsASliceOfTheReceivedBytesNotACopy() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        ByteBuf stream = Frames.encode(new SmallWrite(1, 0, false, Frames.direct(Frames.random(4096, 1))),
                new SmallWrite(2, 4096, false, Frames.direct(Frames.random(4096, 2))));
        // The socket delivers the first write and half of the second, then the rest. The first
        // write is still being applied (its slice held) when the rest arrives.
        int split = 2 * FrameHeader.LENGTH + 4096 + 2048;
        ByteBuf firstRead = Unpooled.directBuffer(split).writeBytes(stream, split);
        ByteBuf secondRead = Unpooled.directBuffer(2048).writeBytes(stream);
        stream.release();
        firstRead.retain(); // the test's own look at the received memory
        secondRead.retain();
        ch.writeInbound(firstRead);
        SmallWrite w1 = assertInstanceOf(SmallWrite.class, ch.readInbound());
        ch.writeInbound(secondRead);
        SmallWrite w2 = assertInstanceOf(SmallWrite.class, ch.readInbound());
        try {
            // Scribble over the received bytes: the second write sees it only if it shares that memory.
            firstRead.setByte(split - 1, 'x');
            secondRead.setByte(0, 'y');
            ByteBuf d = w2.data();
            assertEquals(4096, d.readableBytes());
            assertEquals('x', d.getByte(d.readerIndex() + 2047), "first half not copied");
            assertEquals('y', d.getByte(d.readerIndex() + 2048), "second half not copied");
        } finally {
            w1.data().release();
            w2.data().release();
            firstRead.release();
            secondRead.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void itRefusesAnImpossibleLimit() {
        assertThrows(IllegalArgumentException.class, () -> new PeerFrameDecoder(0));
        assertThrows(IllegalArgumentException.class, () -> new PeerFrameDecoder(FrameHeader.MAX_PAYLOAD + 1));
        assertInstanceOf(PeerFrameDecoder.class, new PeerFrameDecoder(FrameHeader.MAX_PAYLOAD));
    }
}
