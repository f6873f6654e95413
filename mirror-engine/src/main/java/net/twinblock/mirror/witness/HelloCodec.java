package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import net.twinblock.mirror.link.FrameHeader;
import net.twinblock.mirror.link.SharedKey;

/** HELLO: argument = protocol version, payload = the client's 32-byte nonce. */
final class HelloCodec implements WitnessCodec<WitnessHello> {

    static final HelloCodec INSTANCE = new HelloCodec();
    static final int LENGTH = SharedKey.MAC_BYTES;

    private HelloCodec() {
    }

    @Override
    public FrameHeader header(WitnessHello m) {
        return new FrameHeader(WitnessFrameType.HELLO.code(), 0, LENGTH, 0, m.version());
    }

    @Override
    public void writeBody(WitnessHello m, ByteBuf out) {
        out.writeBytes(m.nonce());
    }

    @Override
    public WitnessHello read(FrameHeader h, ByteBuf body) {
        WireText.requireZero("sequence", h.sequence());
        if (h.argument() < 1 || h.argument() > 0xffff) {
            throw new IllegalArgumentException("protocol version " + h.argument() + " out of range");
        }
        return new WitnessHello((int) h.argument(), WireText.bytes(body, LENGTH));
    }
}
