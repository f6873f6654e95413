package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import java.util.function.Function;
import net.twinblock.mirror.link.FrameHeader;
import net.twinblock.mirror.link.SharedKey;

/**
 * CHALLENGE and PROOF: the payload is 32 bytes (a nonce, an HMAC-SHA256), sequence and argument 0.
 * One class, one instance per message type.
 */
final class MacSizedCodec<M extends WitnessMessage> implements WitnessCodec<M> {

    static final int LENGTH = SharedKey.MAC_BYTES;
    static final MacSizedCodec<WitnessChallenge> CHALLENGE = new MacSizedCodec<>(WitnessChallenge::new,
            WitnessChallenge::nonce);
    static final MacSizedCodec<KeyProof> PROOF = new MacSizedCodec<>(KeyProof::new, KeyProof::mac);

    private final Function<byte[], M> make;
    private final Function<M, byte[]> bytes;

    private MacSizedCodec(Function<byte[], M> make, Function<M, byte[]> bytes) {
        this.make = make;
        this.bytes = bytes;
    }

    @Override
    public FrameHeader header(M m) {
        return new FrameHeader(m.type().code(), 0, LENGTH, 0, 0);
    }

    @Override
    public void writeBody(M m, ByteBuf out) {
        out.writeBytes(bytes.apply(m));
    }

    @Override
    public M read(FrameHeader h, ByteBuf body) {
        WireText.requireZero("sequence", h.sequence());
        WireText.requireZero("argument", h.argument());
        return make.apply(WireText.bytes(body, LENGTH));
    }
}
