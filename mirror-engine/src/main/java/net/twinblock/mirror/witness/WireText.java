package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/** The short UTF-8 names of the witness protocol (pair id, node name): at most 255 bytes, length in one byte. */
final class WireText {

    static final int MAX_BYTES = 255;

    private WireText() {
    }

    /** The UTF-8 bytes of a name; IllegalArgumentException if it is empty (unless allowed) or too long. */
    static byte[] utf8(String what, String s, boolean mayBeEmpty) {
        if (s == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 && !mayBeEmpty) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (b.length > MAX_BYTES) {
            throw new IllegalArgumentException(what + " is " + b.length + " bytes of UTF-8, at most " + MAX_BYTES);
        }
        return b;
    }

    /** The UTF-8 bytes of a name already checked by {@link #utf8}. */
    static byte[] encode(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String read(ByteBuf in, int length, String what) {
        if (!ByteBufUtil.isText(in, in.readerIndex(), length, StandardCharsets.UTF_8)) {
            throw new IllegalArgumentException(what + " is not valid UTF-8");
        }
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    static void requireZero(String what, long value) {
        if (value != 0) {
            throw new IllegalArgumentException("reserved " + what + " is " + value);
        }
    }

    static byte[] bytes(ByteBuf in, int length) {
        byte[] b = new byte[length];
        in.readBytes(b);
        return b;
    }

    static byte[] exactly(String what, byte[] b, int length) {
        if (b == null || b.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes");
        }
        return b.clone();
    }
}
