package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import net.twinblock.mirror.link.FrameHeader;

/** ERROR: argument = {@link WitnessErrorCode}, payload = the UTF-8 message; sequence 0. */
final class WitnessErrorCodec implements WitnessCodec<WitnessError> {

    static final WitnessErrorCodec INSTANCE = new WitnessErrorCodec();

    private WitnessErrorCodec() {
    }

    @Override
    public FrameHeader header(WitnessError m) {
        return new FrameHeader(WitnessFrameType.ERROR.code(), 0, m.message().getBytes(StandardCharsets.UTF_8).length, 0,
                m.code().code());
    }

    @Override
    public void writeBody(WitnessError m, ByteBuf out) {
        out.writeCharSequence(m.message(), StandardCharsets.UTF_8);
    }

    @Override
    public WitnessError read(FrameHeader h, ByteBuf body) {
        WireText.requireZero("sequence", h.sequence());
        WitnessErrorCode code = WitnessErrorCode.of(h.argument());
        if (code == null) {
            throw new IllegalArgumentException("unknown error code " + h.argument());
        }
        return new WitnessError(code, WireText.read(body, body.readableBytes(), "error message"));
    }
}
