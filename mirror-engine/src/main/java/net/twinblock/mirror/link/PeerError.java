package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Why the sender is about to close the link, in words for the receiver's log. */
public record PeerError(PeerErrorCode code, String message) implements PeerMessage {

    static final int MAX_MESSAGE_BYTES = 4096;

    public PeerError {
        message = truncate(message == null ? "" : message);
    }

    /** Cuts at a character boundary so the peer never gets a broken UTF-8 sequence. */
    private static String truncate(String m) {
        byte[] utf8 = m.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_MESSAGE_BYTES) {
            return m;
        }
        int cut = MAX_MESSAGE_BYTES;
        while ((utf8[cut] & 0xc0) == 0x80) { // a continuation byte: back up to its lead byte
            cut--;
        }
        return new String(utf8, 0, cut, StandardCharsets.UTF_8);
    }

    @Override
    public FrameType opcode() {
        return FrameType.ERROR;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.ERROR.code(), 0, message.getBytes(StandardCharsets.UTF_8).length, 0,
                code.code());
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeCharSequence(message, StandardCharsets.UTF_8);
    }
}
