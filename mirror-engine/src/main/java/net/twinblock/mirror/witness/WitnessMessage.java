package net.twinblock.mirror.witness;

/** A decoded witness frame; plain values, no buffers, so nothing needs releasing. */
public sealed interface WitnessMessage permits WitnessHello, WitnessChallenge, KeyProof, WitnessError, PairRequest,
        PairReply {

    WitnessFrameType type();
}
