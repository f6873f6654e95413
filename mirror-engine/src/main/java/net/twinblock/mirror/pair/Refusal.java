package net.twinblock.mirror.pair;

import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;

/** Why a node will not pair with the peer that just authenticated: the ERROR code and a sentence for both logs. */
record Refusal(PeerErrorCode code, String reason) {

    /**
     * The checks both sides make on each other's identity; null if they may pair. Size and block
     * size must match; the volume id must match once the secondary belongs to a pair; a secondary
     * with a newer data generation was promoted meanwhile and must not be overwritten.
     */
    static Refusal check(PeerIdentity primary, PeerIdentity secondary) {
        if (primary.sizeBytes() != secondary.sizeBytes()) {
            return new Refusal(PeerErrorCode.VOLUME_MISMATCH, "volume sizes differ: primary "
                    + primary.sizeBytes() + " bytes, secondary " + secondary.sizeBytes() + " bytes");
        }
        if (primary.blockSize() != secondary.blockSize()) {
            return new Refusal(PeerErrorCode.VOLUME_MISMATCH, "block sizes differ: primary "
                    + primary.blockSize() + " bytes, secondary " + secondary.blockSize() + " bytes");
        }
        if (secondary.paired() && !secondary.volumeId().equals(primary.volumeId())) {
            return new Refusal(PeerErrorCode.VOLUME_MISMATCH, "volume ids differ: primary "
                    + primary.volumeId() + ", secondary " + secondary.volumeId()
                    + " (the secondary belongs to another pair)");
        }
        if (secondary.paired() && secondary.generation() > primary.generation()) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the secondary's data generation "
                    + secondary.generation() + " is newer than the primary's " + primary.generation()
                    + ": it was promoted meanwhile; refusing to overwrite it (split brain)");
        }
        return null;
    }
}
