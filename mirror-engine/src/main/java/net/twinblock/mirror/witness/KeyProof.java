package net.twinblock.mirror.witness;

import net.twinblock.mirror.link.SharedKey;

/** An HMAC over both nonces under the pair's key ({@link WitnessAuth}): the client's, then the witness's. */
public record KeyProof(byte[] mac) implements WitnessMessage {

    public KeyProof {
        mac = WireText.exactly("proof", mac, SharedKey.MAC_BYTES);
    }

    @Override
    public WitnessFrameType type() {
        return WitnessFrameType.PROOF;
    }
}
