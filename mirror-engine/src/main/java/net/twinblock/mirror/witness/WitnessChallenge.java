package net.twinblock.mirror.witness;

import net.twinblock.mirror.link.SharedKey;

/** The witness answers HELLO with its own nonce only: nothing about any pair before the client proved its key. */
public record WitnessChallenge(byte[] nonce) implements WitnessMessage {

    public WitnessChallenge {
        nonce = WireText.exactly("nonce", nonce, SharedKey.MAC_BYTES);
    }

    @Override
    public WitnessFrameType type() {
        return WitnessFrameType.CHALLENGE;
    }
}
