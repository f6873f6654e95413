package net.twinblock.mirror.witness;

import net.twinblock.mirror.link.SharedKey;

/** The client opens: the protocol version it speaks and a fresh nonce the witness's proof must cover. */
public record WitnessHello(int version, byte[] nonce) implements WitnessMessage {

    public WitnessHello {
        if (version < 1 || version > 0xffff) {
            throw new IllegalArgumentException("protocol version " + version + " out of range");
        }
        nonce = WireText.exactly("nonce", nonce, SharedKey.MAC_BYTES);
    }

    @Override
    public WitnessFrameType type() {
        return WitnessFrameType.HELLO;
    }
}
